import type { Kysely } from 'kysely';
import type { AuditLogRow, Database } from './schema.ts';
import { nowIso } from './content.ts';

/** The append-only audit log. There is no update or delete here, and the database refuses both. */
type Db = Kysely<Database>;

export interface AuditEntryInput {
  userId: number | null;
  userEmail: string;
  action: string;
  articleId?: number | null;
  target?: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  note?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
}

export async function appendAudit(db: Db, e: AuditEntryInput): Promise<number> {
  const row = await db
    .insertInto('audit_log')
    .values({
      at: nowIso(),
      user_id: e.userId,
      user_email: e.userEmail,
      action: e.action,
      article_id: e.articleId ?? null,
      target: e.target ?? (e.articleId ? `article:${e.articleId}` : ''),
      from_status: e.fromStatus ?? null,
      to_status: e.toStatus ?? null,
      note: e.note ?? '',
      ip: (e.ip ?? '').slice(0, 100),
      user_agent: (e.userAgent ?? '').slice(0, 300),
      details: JSON.stringify(e.details ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface AuditFilter {
  articleId?: number;
  userId?: number;
  action?: string;
  /** Only entries about stories in these categories (for desk-scoped readers). */
  categoryIds?: number[];
  afterId?: number;
  limit: number;
  offset?: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  userEmail: string;
  action: string;
  articleId: number | null;
  target: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string;
  ip: string;
  userAgent: string;
  details: Record<string, unknown>;
}

const toEntry = (r: AuditLogRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  userId: r.user_id,
  userEmail: r.user_email,
  action: r.action,
  articleId: r.article_id,
  target: r.target,
  fromStatus: r.from_status,
  toStatus: r.to_status,
  note: r.note,
  ip: r.ip,
  userAgent: r.user_agent,
  details: JSON.parse(r.details) as Record<string, unknown>,
});

function filtered(db: Db, f: Omit<AuditFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('audit_log');
  if (f.articleId !== undefined) q = q.where('audit_log.article_id', '=', f.articleId);
  if (f.userId !== undefined) q = q.where('audit_log.user_id', '=', f.userId);
  if (f.action !== undefined) q = q.where('audit_log.action', '=', f.action);
  if (f.afterId !== undefined) q = q.where('audit_log.id', '>', f.afterId);
  if (f.categoryIds) q = q.where('audit_log.article_id', 'in', db.selectFrom('articles').select('id').where('category_id', 'in', f.categoryIds.length ? f.categoryIds : [-1]));
  return q;
}

/** Oldest first: the log reads as a story. */
export async function listAudit(db: Db, f: AuditFilter): Promise<{ items: AuditEntry[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, f).selectAll('audit_log').orderBy('audit_log.id', 'asc').limit(f.limit).offset(f.offset ?? 0).execute(),
    filtered(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toEntry), total: Number(count.n) };
}

export interface LoginLimits {
  /** Failed attempts per account within the window, counted since its last successful login. */
  perAccount: number;
  /** Failed attempts per client address within the window, whatever the account. */
  perAddress: number;
  windowMs: number;
}

/**
 * Seconds to wait before another login attempt for this account from this address (0: it may proceed now). Counted
 * from the audit log's `login_failed` and `login` entries, so every app process and every machine on the database
 * shares one count: with workers = cores, an in-process count would have let an attacker guess N times as often.
 */
export async function loginRetryAfter(db: Db, emailAddress: string, ip: string, limits: LoginLimits, now = Date.now()): Promise<number> {
  // As the login route writes them to the audit log.
  const email = emailAddress.slice(0, 254);
  const since = new Date(now - limits.windowMs).toISOString();
  const [byAccount, byAddress] = await Promise.all([
    db
      .selectFrom('audit_log')
      .select('at')
      .where('action', '=', 'login_failed')
      .where('user_email', '=', email)
      .where('at', '>', since)
      // Failures before the account's last successful login no longer count.
      .where('at', '>', (eb) => eb.fn.coalesce(eb.selectFrom('audit_log').select((sb) => sb.fn.max('at').as('at')).where('action', '=', 'login').where('user_email', '=', email), eb.val(since)))
      .orderBy('at', 'desc')
      .limit(limits.perAccount)
      .execute(),
    ip ? db.selectFrom('audit_log').select('at').where('action', '=', 'login_failed').where('ip', '=', ip.slice(0, 100)).where('at', '>', since).orderBy('at', 'desc').limit(limits.perAddress).execute() : [],
  ]);
  let wait = 0;
  for (const [rows, limit] of [
    [byAccount, limits.perAccount],
    [byAddress, limits.perAddress],
  ] as const) {
    // The attempt that opens the window again is the limit-th most recent one.
    if (rows.length >= limit) wait = Math.max(wait, Math.ceil((Date.parse(rows[limit - 1]!.at) + limits.windowMs - now) / 1000));
  }
  return Math.max(wait, 0);
}
