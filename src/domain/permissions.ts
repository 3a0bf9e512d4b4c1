import type { Role } from './roles.ts';

/**
 * What a person may do, as data: role → action → scope. A paper adjusts its own rules by
 * editing PERMISSION_MATRIX (or passing another matrix to `can`); nothing else encodes roles.
 *
 * Scopes: 'own' = stories the person is the author of; 'desk' = stories in one of the person's
 * desks (categories) plus their own; 'all' = every story. Non-article actions use 'all' or 'none'.
 */
export const PERMISSION_ACTIONS = [
  'view',
  'create',
  /** Change a draft. */
  'edit',
  /** Change a story that is in review (submitted … scheduled). */
  'edit_in_review',
  /** Prepare a correction to a published or taken-down story (goes through approval). */
  'edit_published',
  'submit',
  'start_editing',
  'return',
  'send_for_approval',
  'approve',
  'publish',
  'schedule',
  'unschedule',
  'unpublish',
  'republish',
  /** Soft delete ("spike") and its undo. */
  'delete',
  'restore',
  'take_over_lock',
  'view_audit',
  'curate_home',
  'manage_users',
  'manage_taxonomy',
  'manage_settings',
] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

export type Scope = 'none' | 'own' | 'desk' | 'all';
export type PermissionMatrix = Record<Role, Partial<Record<PermissionAction, Scope>>>;

const EDITOR_DESK: Partial<Record<PermissionAction, Scope>> = {
  view: 'desk',
  create: 'all',
  edit: 'desk',
  edit_in_review: 'desk',
  edit_published: 'desk',
  submit: 'own',
  start_editing: 'desk',
  return: 'desk',
  send_for_approval: 'desk',
  delete: 'own',
  take_over_lock: 'desk',
};

const MANAGING: Partial<Record<PermissionAction, Scope>> = {
  view: 'all',
  create: 'all',
  edit: 'all',
  edit_in_review: 'all',
  edit_published: 'all',
  submit: 'own',
  start_editing: 'all',
  return: 'all',
  send_for_approval: 'all',
  schedule: 'all',
  unschedule: 'all',
  delete: 'all',
  restore: 'all',
  take_over_lock: 'all',
  view_audit: 'all',
  curate_home: 'all',
};

const APPROVER: Partial<Record<PermissionAction, Scope>> = {
  ...MANAGING,
  approve: 'all',
  publish: 'all',
  unpublish: 'all',
  republish: 'all',
};

/** Missing entries mean 'none'. */
export const PERMISSION_MATRIX: PermissionMatrix = {
  contributor: { view: 'own', create: 'all', edit: 'own', submit: 'own', delete: 'own' },
  reporter: { view: 'desk', create: 'all', edit: 'own', submit: 'own', delete: 'own' },
  editor: EDITOR_DESK,
  desk_head: { ...EDITOR_DESK, delete: 'desk', restore: 'desk', view_audit: 'desk' },
  managing_editor: MANAGING,
  deputy_editor_in_chief: APPROVER,
  editor_in_chief: APPROVER,
  // The administrator runs the system, not the paper: no editorial power, so "admin alone cannot publish".
  admin: { view: 'all', view_audit: 'all', manage_users: 'all', manage_taxonomy: 'all', manage_settings: 'all' },
};

export interface Actor {
  id: number;
  roles: readonly Role[];
  /** Category ids of the desks this person works on. */
  deskIds: readonly number[];
}

/** What a permission is checked against: who wrote the story and which desk it belongs to. */
export interface StoryRef {
  authorId: number | null;
  categoryId: number;
}

const SCOPE_ORDER: Record<Scope, number> = { none: 0, own: 1, desk: 2, all: 3 };

/** The widest scope any of the actor's roles grants for an action. */
export function scopeOf(actor: Pick<Actor, 'roles'>, action: PermissionAction, matrix: PermissionMatrix = PERMISSION_MATRIX): Scope {
  let best: Scope = 'none';
  for (const role of actor.roles) {
    const s = matrix[role]?.[action] ?? 'none';
    if (SCOPE_ORDER[s] > SCOPE_ORDER[best]) best = s;
  }
  return best;
}

export function scopeCovers(scope: Scope, actor: Actor, story: StoryRef | undefined): boolean {
  switch (scope) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'own':
      return !!story && story.authorId === actor.id;
    case 'desk':
      return !!story && (story.authorId === actor.id || actor.deskIds.includes(story.categoryId));
  }
}

/**
 * True when the actor may do `action` on `story` (or at all, for actions not about a story:
 * then any scope other than 'none' allows it).
 */
export function can(actor: Actor, action: PermissionAction, story?: StoryRef, matrix: PermissionMatrix = PERMISSION_MATRIX): boolean {
  const scope = scopeOf(actor, action, matrix);
  if (!story) return scope !== 'none';
  return scopeCovers(scope, actor, story);
}
