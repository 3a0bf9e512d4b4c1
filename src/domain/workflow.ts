import type { ArticleStatus } from './article.ts';
import { can, type Actor, type PermissionAction, type PermissionMatrix, PERMISSION_MATRIX, type StoryRef } from './permissions.ts';

/**
 * The editorial workflow as a state machine, pure data plus two functions.
 *
 * Main line: draft → submitted → editing → awaiting_approval → approved → published, or
 * approved → scheduled → published at its time. Any review state can be returned to the author
 * (draft) with a note. published → unpublished (taken down, with a reason) → published again.
 *
 * A correction to a published (or taken-down) story is a pending revision with its own small
 * state (draft → awaiting_approval); the live version stays untouched until it is approved.
 */
export const TRANSITION_ACTIONS = ['submit', 'start_editing', 'return', 'send_for_approval', 'approve', 'publish', 'schedule', 'unschedule', 'unpublish', 'republish', 'discard_correction'] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

export const TRANSITION_LABELS: Record<TransitionAction, string> = {
  submit: 'Gửi bài',
  start_editing: 'Nhận biên tập',
  return: 'Trả bài',
  send_for_approval: 'Trình duyệt',
  approve: 'Duyệt',
  publish: 'Xuất bản',
  schedule: 'Hẹn giờ đăng',
  unschedule: 'Hủy hẹn giờ',
  unpublish: 'Gỡ bài',
  republish: 'Đăng lại',
  discard_correction: 'Hủy bản đính chính',
};

export type CorrectionState = 'draft' | 'awaiting_approval';

export interface WorkflowState {
  status: ArticleStatus;
  /** Only for published/unpublished stories with a pending correction. */
  correction: CorrectionState | null;
  deleted: boolean;
}

/** What a transition does beyond changing the status. */
export type TransitionEffect = 'publish' | 'unpublish' | 'apply_correction' | 'discard_correction' | 'schedule' | null;

export interface TransitionRule {
  action: TransitionAction;
  /** Applies to the story's status (correction === undefined) or to its pending correction. */
  from: readonly ArticleStatus[];
  correctionFrom?: readonly CorrectionState[];
  to: ArticleStatus | 'same';
  correctionTo?: CorrectionState | null;
  /** Every one of these permissions is needed. */
  permissions: readonly PermissionAction[];
  noteRequired?: boolean;
  atRequired?: boolean;
  effect: TransitionEffect;
}

const REVIEW: readonly ArticleStatus[] = ['submitted', 'editing', 'awaiting_approval', 'approved', 'scheduled'];
const LIVE_OR_DOWN: readonly ArticleStatus[] = ['published', 'unpublished'];

export const TRANSITIONS: readonly TransitionRule[] = [
  { action: 'submit', from: ['draft'], to: 'submitted', permissions: ['submit'], effect: null },
  { action: 'start_editing', from: ['submitted'], to: 'editing', permissions: ['start_editing'], effect: null },
  { action: 'return', from: REVIEW, to: 'draft', permissions: ['return'], noteRequired: true, effect: null },
  { action: 'send_for_approval', from: ['submitted', 'editing'], to: 'awaiting_approval', permissions: ['send_for_approval'], effect: null },
  { action: 'approve', from: ['awaiting_approval'], to: 'approved', permissions: ['approve'], effect: null },
  // Publishing straight from "awaiting approval" is the approver approving and publishing at once.
  { action: 'publish', from: ['awaiting_approval', 'approved', 'scheduled'], to: 'published', permissions: ['publish'], effect: 'publish' },
  { action: 'schedule', from: ['approved', 'scheduled'], to: 'scheduled', permissions: ['schedule'], atRequired: true, effect: 'schedule' },
  { action: 'schedule', from: ['awaiting_approval'], to: 'scheduled', permissions: ['schedule', 'approve'], atRequired: true, effect: 'schedule' },
  { action: 'unschedule', from: ['scheduled'], to: 'approved', permissions: ['unschedule'], effect: null },
  { action: 'unpublish', from: ['published'], to: 'unpublished', permissions: ['unpublish'], noteRequired: true, effect: 'unpublish' },
  { action: 'republish', from: ['unpublished'], to: 'published', permissions: ['republish'], effect: 'publish' },
  // Corrections: the story keeps its status; only the pending revision moves.
  { action: 'send_for_approval', from: LIVE_OR_DOWN, correctionFrom: ['draft'], to: 'same', correctionTo: 'awaiting_approval', permissions: ['send_for_approval'], effect: null },
  { action: 'return', from: LIVE_OR_DOWN, correctionFrom: ['awaiting_approval'], to: 'same', correctionTo: 'draft', permissions: ['return'], noteRequired: true, effect: null },
  { action: 'approve', from: LIVE_OR_DOWN, correctionFrom: ['awaiting_approval'], to: 'same', correctionTo: null, permissions: ['approve'], effect: 'apply_correction' },
  { action: 'publish', from: LIVE_OR_DOWN, correctionFrom: ['draft', 'awaiting_approval'], to: 'same', correctionTo: null, permissions: ['publish'], effect: 'apply_correction' },
  { action: 'discard_correction', from: LIVE_OR_DOWN, correctionFrom: ['draft', 'awaiting_approval'], to: 'same', correctionTo: null, permissions: ['edit_published'], effect: 'discard_correction' },
];

/** Rules matching a state and action, correction rules first when a correction is pending. */
export function findRule(state: WorkflowState, action: TransitionAction): TransitionRule | undefined {
  if (state.deleted) return undefined;
  const candidates = TRANSITIONS.filter((r) => r.action === action && r.from.includes(state.status));
  if (state.correction) {
    const correctionRule = candidates.find((r) => r.correctionFrom?.includes(state.correction!));
    if (correctionRule) return correctionRule;
  }
  return candidates.find((r) => !r.correctionFrom);
}

export type TransitionCheck =
  | { ok: true; rule: TransitionRule; next: WorkflowState }
  | { ok: false; reason: 'invalid_transition' | 'forbidden' };

/** Decides a transition: is it possible from this state, and may this actor do it on this story? */
export function checkTransition(actor: Actor, story: StoryRef, state: WorkflowState, action: TransitionAction, matrix: PermissionMatrix = PERMISSION_MATRIX): TransitionCheck {
  // Several rules can share an action (schedule from approved vs. awaiting approval): pick the one this state matches.
  const rule = findRule(state, action);
  if (!rule) return { ok: false, reason: 'invalid_transition' };
  if (!rule.permissions.every((p) => can(actor, p, story, matrix))) return { ok: false, reason: 'forbidden' };
  const status = rule.to === 'same' ? state.status : rule.to;
  // A pending correction survives take-down and republishing; it means nothing for other statuses.
  const carried = LIVE_OR_DOWN.includes(status) ? state.correction : null;
  const next: WorkflowState = { status, correction: rule.correctionTo === undefined ? carried : rule.correctionTo, deleted: false };
  return { ok: true, rule, next };
}

/** The permission needed to change a story's content in a given status. */
export function editPermission(status: ArticleStatus): PermissionAction {
  if (status === 'draft') return 'edit';
  if (status === 'published' || status === 'unpublished') return 'edit_published';
  return 'edit_in_review';
}

/**
 * Status after a content change. Changing an approved or scheduled story voids its approval:
 * what gets published must be exactly what was approved.
 */
export function statusAfterEdit(status: ArticleStatus): ArticleStatus {
  return status === 'approved' || status === 'scheduled' ? 'awaiting_approval' : status;
}

/** Statuses a story may be spiked (soft-deleted) from: never anything readers have seen or will see. */
export const DELETABLE_STATUSES: readonly ArticleStatus[] = ['draft', 'submitted', 'editing', 'awaiting_approval', 'approved'];

/** Spiking needs the delete right and the right to change the story as it stands (a reporter cannot spike a submitted story). */
export function canDelete(actor: Actor, story: StoryRef, state: WorkflowState, matrix: PermissionMatrix = PERMISSION_MATRIX): boolean {
  return !state.deleted && DELETABLE_STATUSES.includes(state.status) && can(actor, 'delete', story, matrix) && can(actor, editPermission(state.status), story, matrix);
}

export type StoryAction = TransitionAction | 'edit' | 'delete' | 'restore';

/** Everything this actor can do to this story right now: what the admin app shows as buttons. */
export function allowedActions(actor: Actor, story: StoryRef, state: WorkflowState, matrix: PermissionMatrix = PERMISSION_MATRIX): StoryAction[] {
  if (state.deleted) return can(actor, 'restore', story, matrix) ? ['restore'] : [];
  const out: StoryAction[] = [];
  if (can(actor, editPermission(state.status), story, matrix)) out.push('edit');
  for (const action of TRANSITION_ACTIONS) if (checkTransition(actor, story, state, action, matrix).ok) out.push(action);
  if (canDelete(actor, story, state, matrix)) out.push('delete');
  return out;
}
