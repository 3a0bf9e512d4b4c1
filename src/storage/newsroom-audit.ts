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
  /** By id: `asc` (the default) reads as a story, `desc` puts the newest first. */
  order?: 'asc' | 'desc';
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

function filtered(db: Db, f: Omit<AuditFilter, 'limit' | 'offset' | 'order'>) {
  let q = db.selectFrom('audit_log');
  if (f.articleId !== undefined) q = q.where('audit_log.article_id', '=', f.articleId);
  if (f.userId !== undefined) q = q.where('audit_log.user_id', '=', f.userId);
  if (f.action !== undefined) q = q.where('audit_log.action', '=', f.action);
  if (f.afterId !== undefined) q = q.where('audit_log.id', '>', f.afterId);
  if (f.categoryIds) q = q.where('audit_log.article_id', 'in', db.selectFrom('articles').select('id').where('category_id', 'in', f.categoryIds.length ? f.categoryIds : [-1]));
  return q;
}

/** Oldest first unless told otherwise: the log reads as a story. */
export async function listAudit(db: Db, f: AuditFilter): Promise<{ items: AuditEntry[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, f).selectAll('audit_log').orderBy('audit_log.id', f.order ?? 'asc').limit(f.limit).offset(f.offset ?? 0).execute(),
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

/** A login attempt allowed to check its password (see claimLoginAttempt). */
export interface LoginClaim {
  id: number;
  email: string;
}

/**
 * Claims a login attempt for this account from this address, or answers how many seconds to wait (the attempt is then
 * not counted). The claim is written before the password is checked and counted with every other claim in the
 * window, so attempts running in parallel (any process, any machine on the database) see each other; counting
 * failures only after the slow password check let a burst of 60 parallel guesses through a limit of 5. A claim is
 * a failure until `loginSucceeded` removes it with the account's other claims.
 */
export async function claimLoginAttempt(db: Db, emailAddress: string, ipAddress: string, limits: LoginLimits, now = Date.now()): Promise<LoginClaim | { retryAfter: number }> {
  const email = emailAddress.slice(0, 254);
  const ip = ipAddress.slice(0, 100);
  const since = new Date(now - limits.windowMs).toISOString();
  await db.deleteFrom('login_claims').where('at', '<=', since).execute();
  const { id } = await db.insertInto('login_claims').values({ email, ip, at: new Date(now).toISOString() }).returning('id').executeTakeFirstOrThrow();
  const [byAccount, byAddress] = await Promise.all([
    db.selectFrom('login_claims').select(['id', 'at']).where('email', '=', email).where('at', '>', since).orderBy('at', 'desc').orderBy('id', 'desc').limit(limits.perAccount + 1).execute(),
    ip ? db.selectFrom('login_claims').select(['id', 'at']).where('ip', '=', ip).where('at', '>', since).orderBy('at', 'desc').orderBy('id', 'desc').limit(limits.perAddress + 1).execute() : [],
  ]);
  let wait = 0;
  for (const [rows, limit] of [
    [byAccount, limits.perAccount],
    [byAddress, limits.perAddress],
  ] as const) {
    // Over the limit counting this claim: the window opens again when the limit-th most recent other claim expires.
    const others = rows.filter((r) => r.id !== id);
    if (others.length >= limit) wait = Math.max(wait, Math.ceil((Date.parse(others[limit - 1]!.at) + limits.windowMs - now) / 1000), 1);
  }
  if (wait > 0) {
    await db.deleteFrom('login_claims').where('id', '=', id).execute();
    return { retryAfter: wait };
  }
  return { id, email };
}

/** A successful login: the account's failed attempts no longer count (its address's other failures still do). */
export async function loginSucceeded(db: Db, claim: LoginClaim): Promise<void> {
  await db.deleteFrom('login_claims').where((eb) => eb.or([eb('id', '=', claim.id), eb('email', '=', claim.email)])).execute();
}

// ---------- what an entry is about, in words ----------

const LABELLED_KINDS = ['article', 'user', 'tag', 'category'] as const;
type LabelledKind = (typeof LABELLED_KINDS)[number];

/** The kind and id an entry is about (`article:12`, or its article id when the target is empty). */
function targetOf(e: Pick<AuditEntry, 'target' | 'articleId'>): { kind: LabelledKind; id: number } | null {
  const m = /^([a-z]+):(\d{1,10})$/.exec(e.target);
  if (m && (LABELLED_KINDS as readonly string[]).includes(m[1]!) && Number(m[2]) <= 2 ** 31 - 1) return { kind: m[1] as LabelledKind, id: Number(m[2]) };
  if (!e.target && e.articleId !== null) return { kind: 'article', id: e.articleId };
  return null;
}

/**
 * Adds `targetLabel` to a page of entries: the story's current title, the person's name, the tag's or category's name;
 * null for other targets, for rows since deleted, and for stories `mayView` refuses (their titles stay hidden). One
 * query per kind for the whole page.
 */
export async function withTargetLabels<T extends Pick<AuditEntry, 'target' | 'articleId'>>(db: Db, entries: T[], mayView: (story: { authorId: number | null; categoryId: number }) => boolean): Promise<Array<T & { targetLabel: string | null }>> {
  const targets = entries.map(targetOf);
  const idsOf = (kind: LabelledKind) => [...new Set(targets.flatMap((t) => (t?.kind === kind ? [t.id] : [])))];
  const ids = { article: idsOf('article'), user: idsOf('user'), tag: idsOf('tag'), category: idsOf('category') };
  const [articles, users, tags, categories] = await Promise.all([
    ids.article.length ? db.selectFrom('articles').leftJoin('newsroom_articles as n', 'n.article_id', 'articles.id').select(['articles.id', 'articles.title', 'articles.category_id', 'n.author_id']).where('articles.id', 'in', ids.article).execute() : [],
    ids.user.length ? db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids.user).execute() : [],
    ids.tag.length ? db.selectFrom('tags').select(['id', 'name']).where('id', 'in', ids.tag).execute() : [],
    ids.category.length ? db.selectFrom('categories').select(['id', 'name']).where('id', 'in', ids.category).execute() : [],
  ]);
  const labels: Record<LabelledKind, Map<number, string>> = {
    article: new Map(articles.filter((a) => mayView({ authorId: a.author_id ?? null, categoryId: a.category_id })).map((a) => [a.id, a.title])),
    user: new Map(users.map((u) => [u.id, u.name])),
    tag: new Map(tags.map((t) => [t.id, t.name])),
    category: new Map(categories.map((c) => [c.id, c.name])),
  };
  return entries.map((e, i) => {
    const t = targets[i];
    return { ...e, targetLabel: (t && labels[t.kind].get(t.id)) ?? null };
  });
}
