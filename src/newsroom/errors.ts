/** Failures the newsroom services report; the API turns each kind into a problem+json answer. */
export type NewsroomErrorKind =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'invalid_transition'
  | 'stale'
  | 'precondition_required'
  | 'locked'
  | 'lock_conflict'
  | 'validation'
  | 'conflict'
  | 'rate_limited';

export class NewsroomError extends Error {
  constructor(
    readonly kind: NewsroomErrorKind,
    message: string,
    /** Extra members for the problem document (e.g. the current version on a stale update). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
