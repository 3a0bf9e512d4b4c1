import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ROLES, type Role } from './roles.ts';
import { can, PERMISSION_ACTIONS, PERMISSION_MATRIX, scopeOf, type Actor, type StoryRef } from './permissions.ts';
import { allowedActions, checkTransition, editPermission, statusAfterEdit, TRANSITION_ACTIONS, type TransitionAction, type WorkflowState } from './workflow.ts';
import { ARTICLE_STATUSES } from './article.ts';

const DESK = 10;
const OTHER_DESK = 20;
const actor = (role: Role, id = 1): Actor => ({ id, roles: [role], deskIds: [DESK] });
const state = (status: WorkflowState['status'], correction: WorkflowState['correction'] = null): WorkflowState => ({ status, correction, deleted: false });

/** The state each action is tried from in the matrix below. */
const FROM: Record<TransitionAction, WorkflowState> = {
  submit: state('draft'),
  start_editing: state('submitted'),
  return: state('editing'),
  send_for_approval: state('editing'),
  approve: state('awaiting_approval'),
  publish: state('approved'),
  schedule: state('approved'),
  unschedule: state('scheduled'),
  unpublish: state('published'),
  republish: state('unpublished'),
  discard_correction: state('published', 'draft'),
};

const DESK_EDITING: TransitionAction[] = ['start_editing', 'return', 'send_for_approval', 'discard_correction'];
const ALL_BUT_SUBMIT = TRANSITION_ACTIONS.filter((a) => a !== 'submit');

/** Written out by hand from the issue, independently of the matrix data. */
const EXPECTED: Record<Role, { ownStory: TransitionAction[]; deskStory: TransitionAction[]; otherDesk: TransitionAction[] }> = {
  contributor: { ownStory: ['submit'], deskStory: [], otherDesk: [] },
  reporter: { ownStory: ['submit'], deskStory: [], otherDesk: [] },
  editor: { ownStory: ['submit', ...DESK_EDITING], deskStory: DESK_EDITING, otherDesk: [] },
  desk_head: { ownStory: ['submit', ...DESK_EDITING], deskStory: DESK_EDITING, otherDesk: [] },
  managing_editor: {
    ownStory: ['submit', ...DESK_EDITING, 'schedule', 'unschedule'],
    deskStory: [...DESK_EDITING, 'schedule', 'unschedule'],
    otherDesk: [...DESK_EDITING, 'schedule', 'unschedule'],
  },
  deputy_editor_in_chief: { ownStory: [...TRANSITION_ACTIONS], deskStory: ALL_BUT_SUBMIT, otherDesk: ALL_BUT_SUBMIT },
  editor_in_chief: { ownStory: [...TRANSITION_ACTIONS], deskStory: ALL_BUT_SUBMIT, otherDesk: ALL_BUT_SUBMIT },
  admin: { ownStory: [], deskStory: [], otherDesk: [] },
};

describe('permission matrix × transitions', () => {
  for (const role of ROLES) {
    for (const action of TRANSITION_ACTIONS) {
      const cases: Array<[keyof (typeof EXPECTED)[Role], StoryRef]> = [
        ['ownStory', { authorId: 1, categoryId: OTHER_DESK }],
        ['deskStory', { authorId: 2, categoryId: DESK }],
        ['otherDesk', { authorId: 2, categoryId: OTHER_DESK }],
      ];
      for (const [kind, story] of cases) {
        const allowed = EXPECTED[role][kind].includes(action);
        it(`${role} ${allowed ? 'may' : 'may not'} ${action} on ${kind}`, () => {
          const result = checkTransition(actor(role), story, FROM[action], action);
          expect(result.ok).toBe(allowed);
          if (!allowed) expect(result.ok === false && result.reason).toBe('forbidden');
        });
      }
    }
  }

  it('admin alone cannot publish, approve or edit, but manages users, taxonomy and settings', () => {
    const admin = actor('admin');
    for (const a of ['publish', 'approve', 'edit', 'edit_in_review', 'create', 'unpublish'] as const) expect(can(admin, a, { authorId: 1, categoryId: DESK })).toBe(false);
    for (const a of ['manage_users', 'manage_taxonomy', 'manage_settings'] as const) expect(can(admin, a)).toBe(true);
    for (const role of ROLES.filter((r) => r !== 'admin')) expect(can(actor(role), 'manage_users')).toBe(false);
  });

  it('contributors see and edit only their own drafts; reporters see their desk', () => {
    expect(can(actor('contributor'), 'view', { authorId: 2, categoryId: DESK })).toBe(false);
    expect(can(actor('contributor'), 'view', { authorId: 1, categoryId: OTHER_DESK })).toBe(true);
    expect(can(actor('contributor'), 'edit_in_review', { authorId: 1, categoryId: DESK })).toBe(false);
    expect(can(actor('reporter'), 'view', { authorId: 2, categoryId: DESK })).toBe(true);
    expect(can(actor('reporter'), 'view', { authorId: 2, categoryId: OTHER_DESK })).toBe(false);
    expect(can(actor('reporter'), 'edit', { authorId: 2, categoryId: DESK })).toBe(false);
  });

  it('combines several roles by taking the widest scope', () => {
    const both: Actor = { id: 1, roles: ['reporter', 'admin'], deskIds: [] };
    expect(scopeOf(both, 'view')).toBe('all');
    expect(can(both, 'edit', { authorId: 1, categoryId: DESK })).toBe(true);
    expect(can(both, 'publish', { authorId: 1, categoryId: DESK })).toBe(false);
  });

  it('the matrix only names known actions', () => {
    for (const role of ROLES) for (const key of Object.keys(PERMISSION_MATRIX[role])) expect(PERMISSION_ACTIONS).toContain(key);
  });

  it('a paper can adjust the matrix: a custom one changes the answer', () => {
    const custom = { ...PERMISSION_MATRIX, managing_editor: { ...PERMISSION_MATRIX.managing_editor, publish: 'all' as const } };
    const me = actor('managing_editor');
    expect(checkTransition(me, { authorId: 2, categoryId: DESK }, state('approved'), 'publish').ok).toBe(false);
    expect(checkTransition(me, { authorId: 2, categoryId: DESK }, state('approved'), 'publish', custom).ok).toBe(true);
  });
});

describe('workflow state machine', () => {
  const eic = actor('editor_in_chief');
  const story: StoryRef = { authorId: 2, categoryId: DESK };

  it('follows the main line draft → … → published', () => {
    let s = state('draft');
    const reporter: Actor = { id: 2, roles: ['reporter'], deskIds: [DESK] };
    const steps: Array<[Actor, TransitionAction, WorkflowState['status']]> = [
      [reporter, 'submit', 'submitted'],
      [actor('editor'), 'start_editing', 'editing'],
      [actor('editor'), 'send_for_approval', 'awaiting_approval'],
      [eic, 'approve', 'approved'],
      [eic, 'publish', 'published'],
      [eic, 'unpublish', 'unpublished'],
      [eic, 'republish', 'published'],
    ];
    for (const [who, action, to] of steps) {
      const r = checkTransition(who, story, s, action);
      expect(r.ok, `${action} from ${s.status}`).toBe(true);
      if (r.ok) s = r.next;
      expect(s.status).toBe(to);
    }
  });

  it('rejects transitions that do not exist from a state', () => {
    expect(checkTransition(eic, story, state('draft'), 'publish')).toEqual({ ok: false, reason: 'invalid_transition' });
    expect(checkTransition(eic, story, state('published'), 'approve')).toEqual({ ok: false, reason: 'invalid_transition' });
    expect(checkTransition(eic, story, state('draft'), 'return')).toEqual({ ok: false, reason: 'invalid_transition' });
    expect(checkTransition(eic, story, { ...state('draft'), deleted: true }, 'submit')).toEqual({ ok: false, reason: 'invalid_transition' });
  });

  it('returning and taking down need a note; scheduling needs a time', () => {
    const ret = checkTransition(eic, story, state('awaiting_approval'), 'return');
    expect(ret.ok && ret.rule.noteRequired).toBe(true);
    const down = checkTransition(eic, story, state('published'), 'unpublish');
    expect(down.ok && down.rule.noteRequired).toBe(true);
    const sch = checkTransition(eic, story, state('approved'), 'schedule');
    expect(sch.ok && sch.rule.atRequired).toBe(true);
  });

  it('scheduling a story not yet approved needs the right to approve', () => {
    expect(checkTransition(actor('managing_editor'), story, state('awaiting_approval'), 'schedule')).toEqual({ ok: false, reason: 'forbidden' });
    expect(checkTransition(eic, story, state('awaiting_approval'), 'schedule').ok).toBe(true);
  });

  it('corrections move separately and keep the story published', () => {
    const editor = actor('editor');
    const sent = checkTransition(editor, story, state('published', 'draft'), 'send_for_approval');
    expect(sent.ok && sent.next).toEqual({ status: 'published', correction: 'awaiting_approval', deleted: false });
    expect(checkTransition(editor, story, state('published', 'awaiting_approval'), 'approve')).toEqual({ ok: false, reason: 'forbidden' });
    const approved = checkTransition(eic, story, state('published', 'awaiting_approval'), 'approve');
    expect(approved.ok && approved.rule.effect).toBe('apply_correction');
    expect(approved.ok && approved.next).toEqual({ status: 'published', correction: null, deleted: false });
    const returned = checkTransition(eic, story, state('published', 'awaiting_approval'), 'return');
    expect(returned.ok && returned.next.correction).toBe('draft');
    // Taking down still works while a correction waits, and the correction stays.
    const down = checkTransition(eic, story, state('published', 'draft'), 'unpublish');
    expect(down.ok && down.next).toEqual({ status: 'unpublished', correction: 'draft', deleted: false });
  });

  it('editing an approved or scheduled story voids the approval', () => {
    expect(statusAfterEdit('approved')).toBe('awaiting_approval');
    expect(statusAfterEdit('scheduled')).toBe('awaiting_approval');
    expect(statusAfterEdit('editing')).toBe('editing');
    expect(editPermission('draft')).toBe('edit');
    expect(editPermission('published')).toBe('edit_published');
    expect(editPermission('submitted')).toBe('edit_in_review');
  });

  it('allowed actions list what the buttons should be', () => {
    expect(allowedActions({ id: 2, roles: ['reporter'], deskIds: [DESK] }, story, state('draft'))).toEqual(['edit', 'submit', 'delete']);
    expect(allowedActions({ id: 2, roles: ['reporter'], deskIds: [DESK] }, story, state('submitted'))).toEqual([]);
    expect(allowedActions(eic, story, state('published'))).toEqual(['edit', 'unpublish']);
    expect(allowedActions(eic, story, { ...state('draft'), deleted: true })).toEqual(['restore']);
    expect(allowedActions(actor('editor'), story, { ...state('draft'), deleted: true })).toEqual([]);
  });

  it('property: nothing reaches readers without someone allowed to publish', () => {
    const roleSets = fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(roleSets, fc.constantFrom(...ARTICLE_STATUSES), fc.constantFrom(null, 'draft' as const, 'awaiting_approval' as const), fc.constantFrom(...TRANSITION_ACTIONS), fc.boolean(), (roles, status, correction, action, inDesk) => {
        const who: Actor = { id: 1, roles, deskIds: inDesk ? [DESK] : [] };
        const s: WorkflowState = { status, correction: status === 'published' || status === 'unpublished' ? correction : null, deleted: false };
        const r = checkTransition(who, story, s, action);
        if (!r.ok) return;
        expect(ARTICLE_STATUSES).toContain(r.next.status);
        const goesLive = (r.next.status === 'published' && status !== 'published') || r.rule.effect === 'apply_correction';
        if (goesLive) expect(can(who, 'publish', story) || can(who, 'republish', story) || can(who, 'approve', story)).toBe(true);
        if (r.rule.effect === 'schedule') expect(status === 'awaiting_approval' ? can(who, 'approve', story) : true).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
