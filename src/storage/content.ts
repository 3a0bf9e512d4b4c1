import type { Kysely } from 'kysely';
import type { ArticleRow, CategoryRow, Database, MediaRow, PersonRow, TagRow } from './schema.ts';
import { DEFAULT_SETTINGS, SiteSettingsSchema, type SiteSettings } from '../domain/settings.ts';
import { parseDoc, type Doc } from '../domain/document.ts';
import { foldAccents, nfc, slugify, SLUG_FALLBACK } from '../domain/vietnamese.ts';
import { cleanText, indexKeys } from '../search/vietnamese-text.ts';
import type { ArticleStatus, ArticleType } from '../domain/article.ts';
import { indexArticle } from '../search/indexer.ts';
import { mediaSearchText, syncArticleMedia } from './media.ts';

/** Keeps the search index in step: the workflow calls it after publish/update/unpublish, in the same transaction. */
export { indexArticle };

type Db = Kysely<Database>;

export const nowIso = (): string => new Date().toISOString();

// ---------- settings ----------

export async function getSettings(db: Db): Promise<SiteSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'site').executeTakeFirst();
  if (!row) return DEFAULT_SETTINGS;
  return SiteSettingsSchema.parse(JSON.parse(row.value));
}

export async function saveSettings(db: Db, settings: SiteSettings): Promise<void> {
  const value = JSON.stringify(SiteSettingsSchema.parse(settings));
  await db
    .insertInto('settings')
    .values({ key: 'site', value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

// ---------- categories, tags, people ----------

export async function listCategories(db: Db): Promise<CategoryRow[]> {
  return db.selectFrom('categories').selectAll().orderBy('position').orderBy('id').execute();
}

export async function createCategory(db: Db, input: { name: string; slug?: string; parentId?: number | null; position?: number; description?: string }): Promise<number> {
  const name = nfc(input.name.trim());
  const row = await db
    .insertInto('categories')
    .values({ name, slug: input.slug ?? (slugify(name) || SLUG_FALLBACK.category), parent_id: input.parentId ?? null, position: input.position ?? 0, description: nfc(input.description ?? '') })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Whether two names of a tag or person mean the same to a reader: case, NFC/NFD and old or new tone placement
 * ("Hoà Bình", "hòa bình") do not count, nor does a name typed without any accent ("lao cai" is "Lào Cai"); different
 * accents do ("Bão" is not "Báo", "Hà" is not "Hạ"), though they fold to the same slug.
 */
export function sameName(a: string, b: string): boolean {
  const ka = indexKeys(a);
  const kb = indexKeys(b);
  if (ka.folded.length === 0 || kb.folded.length === 0) return cleanText(a).toLowerCase() === cleanText(b).toLowerCase();
  if (ka.folded.join(' ') !== kb.folded.join(' ')) return false;
  const plain = (x: string) => foldAccents(nfc(x)) === nfc(x);
  return plain(a) || plain(b) || ka.accent.join(' ') === kb.accent.join(' ');
}

/**
 * The tag or person with this name, created when there is none. Names that fold to the same slug but read
 * differently get slugs of their own (`bao`, `bao-2`), so a tag "Báo" never lands on the page of "Bão".
 */
async function ensureNamed<T extends 'tags' | 'people'>(db: Db, table: T, name: string, fallback: string, extra: T extends 'people' ? { title: string; bio: string } : object): Promise<T extends 'tags' ? TagRow : PersonRow> {
  const base = slugify(name) || fallback;
  for (let attempt = 0; attempt < 5; attempt++) {
    const rows = await slugSiblings(db, table, base);
    const same = rows.find((r) => sameName(r.name, name));
    if (same) return same as never;
    const taken = new Set(rows.map((r) => r.slug));
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    const inserted = await db
      .insertInto(table as 'tags')
      .values({ slug, name, ...extra } as never)
      .onConflict((oc) => oc.column('slug').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted as never;
    // Another writer took that slug in the meantime: look again.
  }
  throw new Error(`Không tạo được đường dẫn cho "${name}"`);
}

/** Rows whose slug is `base` or a numbered sibling (`base-2`…; an index range, no LIKE). */
async function slugSiblings(db: Db, table: 'tags' | 'people', base: string): Promise<Array<TagRow | PersonRow>> {
  return db
    .selectFrom(table as 'tags')
    .selectAll()
    .where((eb) => eb.or([eb('slug', '=', base), eb.and([eb('slug', '>=', `${base}-`), eb('slug', '<', `${base}.`)])]))
    .execute();
}

/** The tag a reader would take for this name (see sameName), if there is one. */
export async function findTagByName(db: Db, name: string): Promise<TagRow | undefined> {
  const clean = nfc(name.trim());
  return (await slugSiblings(db, 'tags', slugify(clean) || SLUG_FALLBACK.tag)).find((r) => sameName(r.name, clean)) as TagRow | undefined;
}

export async function ensureTag(db: Db, name: string): Promise<TagRow> {
  const clean = nfc(name.trim());
  if (!clean) throw new Error(`Thẻ không hợp lệ: "${name}"`);
  return ensureNamed(db, 'tags', clean, SLUG_FALLBACK.tag, {});
}

export async function ensurePerson(db: Db, input: { name: string; title?: string; bio?: string }): Promise<PersonRow> {
  const name = nfc(input.name.trim());
  if (!name) throw new Error('Tên tác giả không được để trống.');
  return ensureNamed(db, 'people', name, SLUG_FALLBACK.person, { title: nfc(input.title ?? ''), bio: nfc(input.bio ?? '') });
}

// ---------- media ----------

export interface NewMedia {
  fileName: string;
  storageKey: string | null;
  mime: string;
  width: number;
  height: number;
  byteSize?: number;
  caption?: string;
  credit?: string;
  alt?: string;
  sha256?: string | null;
}

export async function insertMedia(db: Db, m: NewMedia): Promise<number> {
  const text = { file_name: nfc(m.fileName), caption: nfc(m.caption ?? ''), alt: nfc(m.alt ?? '') };
  const row = await db
    .insertInto('media')
    .values({
      ...text,
      storage_key: m.storageKey,
      mime: m.mime,
      width: m.width,
      height: m.height,
      byte_size: m.byteSize ?? 0,
      credit: nfc(m.credit ?? ''),
      sha256: m.sha256 ?? null,
      created_at: nowIso(),
      search_f: mediaSearchText(text),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function getMediaByIds(db: Db, ids: number[]): Promise<Map<number, MediaRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('media').selectAll().where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

// ---------- articles ----------

export interface ArticleInput {
  title: string;
  shortTitle?: string;
  sapo?: string;
  body: Doc;
  type?: ArticleType;
  categoryId: number;
  coverMediaId?: number | null;
  status: ArticleStatus;
  publishedAt?: string | null;
  seoTitle?: string;
  seoDescription?: string;
  slug?: string;
  tags?: string[];
  /** People of the newsroom (by person id) or free-text contributor names, in byline order. */
  bylines?: Array<{ personId: number } | { name: string }>;
  /** The editor's "Tin liên quan" (story ids, in order); see setArticleRelated. */
  relatedIds?: number[];
}

/** Creates an article with its tags and bylines. Call inside a transaction to make it atomic with other writes. */
export async function createArticle(db: Db, input: ArticleInput): Promise<number> {
  const now = nowIso();
  const title = nfc(input.title.trim());
  const body = parseDoc(input.body);
  const row = await db
    .insertInto('articles')
    .values({
      slug: input.slug ?? (slugify(title) || SLUG_FALLBACK.article),
      title,
      short_title: nfc((input.shortTitle ?? '').trim()),
      sapo: nfc((input.sapo ?? '').trim()),
      body: JSON.stringify(body),
      type: input.type ?? 'standard',
      category_id: input.categoryId,
      cover_media_id: input.coverMediaId ?? null,
      status: input.status,
      seo_title: nfc(input.seoTitle ?? ''),
      seo_description: nfc(input.seoDescription ?? ''),
      published_at: input.publishedAt ?? (input.status === 'published' ? now : null),
      updated_at: now,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setArticleTags(db, row.id, input.tags ?? []);
  await setArticleBylines(db, row.id, input.bylines ?? []);
  await setArticleRelated(db, row.id, input.relatedIds ?? []);
  await syncArticleMedia(db, row.id);
  await indexArticle(db, row.id);
  return row.id;
}

export async function setArticleTags(db: Db, articleId: number, names: string[]): Promise<void> {
  await db.deleteFrom('article_tags').where('article_id', '=', articleId).execute();
  const seen = new Set<number>();
  let position = 0;
  for (const name of names) {
    if (!name.trim()) continue;
    const tag = await ensureTag(db, name);
    if (seen.has(tag.id)) continue;
    seen.add(tag.id);
    await db.insertInto('article_tags').values({ article_id: articleId, tag_id: tag.id, position: position++ }).execute();
  }
}

export async function setArticleBylines(db: Db, articleId: number, bylines: Array<{ personId: number } | { name: string }>): Promise<void> {
  await db.deleteFrom('article_bylines').where('article_id', '=', articleId).execute();
  let position = 0;
  for (const b of bylines) {
    await db
      .insertInto('article_bylines')
      .values('personId' in b ? { article_id: articleId, position: position++, person_id: b.personId, name: '' } : { article_id: articleId, position: position++, person_id: null, name: nfc(b.name.trim()) })
      .execute();
  }
}

/**
 * The editor's "Tin liên quan" of a story, in order (migration 013). Never the story itself, each story once, and only
 * stories that exist: the newsroom refuses the others with a message first (src/newsroom/stories.ts); here a pick
 * removed since (a correction staged before its story was deleted) is left out instead of failing the write.
 */
export async function setArticleRelated(db: Db, articleId: number, ids: readonly number[]): Promise<void> {
  await db.deleteFrom('article_related_picks').where('article_id', '=', articleId).execute();
  const wanted = [...new Set(ids)].filter((id) => id !== articleId);
  if (wanted.length === 0) return;
  const found = new Set((await db.selectFrom('articles').select('id').where('id', 'in', wanted).execute()).map((r) => r.id));
  const rows = wanted.filter((id) => found.has(id)).map((related_id, position) => ({ article_id: articleId, position, related_id }));
  if (rows.length) await db.insertInto('article_related_picks').values(rows).execute();
}

export async function getArticle(db: Db, id: number): Promise<ArticleRow | undefined> {
  return db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface Byline {
  name: string;
  title: string;
  /** Author page slug, for newsroom people only. */
  slug: string | null;
}

export interface ArticleDetail {
  article: ArticleRow;
  body: Doc;
  tags: TagRow[];
  bylines: Byline[];
}

/** A story with its body, tags and bylines; pass the row when the caller already read it. */
export async function getArticleDetail(db: Db, id: number, row?: ArticleRow): Promise<ArticleDetail | undefined> {
  const article = row ?? (await getArticle(db, id));
  if (!article) return undefined;
  const [tags, bylines] = await Promise.all([
    db.selectFrom('article_tags').innerJoin('tags', 'tags.id', 'article_tags.tag_id').selectAll('tags').where('article_tags.article_id', '=', id).orderBy('article_tags.position').execute(),
    db
      .selectFrom('article_bylines')
      .leftJoin('people', 'people.id', 'article_bylines.person_id')
      .select(['article_bylines.name as free_name', 'people.name as person_name', 'people.title as person_title', 'people.slug as person_slug'])
      .where('article_bylines.article_id', '=', id)
      .orderBy('article_bylines.position')
      .execute(),
  ]);
  return {
    article,
    body: JSON.parse(article.body) as Doc,
    tags,
    bylines: bylines.map((b) => ({ name: b.person_name ?? b.free_name, title: b.person_title ?? '', slug: b.person_slug })),
  };
}

/** The columns a listing needs: never the body. */
export const SUMMARY_COLUMNS = ['articles.id', 'articles.slug', 'articles.title', 'articles.short_title', 'articles.sapo', 'articles.type', 'articles.category_id', 'articles.cover_media_id', 'articles.published_at', 'articles.updated_at'] as const;
export type ArticleSummary = Pick<ArticleRow, 'id' | 'slug' | 'title' | 'short_title' | 'sapo' | 'type' | 'category_id' | 'cover_media_id' | 'published_at' | 'updated_at'>;

export interface ListFilter {
  categoryIds?: number[];
  tagId?: number;
  personId?: number;
  excludeIds?: number[];
  limit: number;
  offset?: number;
}

function publishedQuery(db: Db, f: Omit<ListFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('articles').where('articles.status', '=', 'published');
  if (f.categoryIds) q = q.where('articles.category_id', 'in', f.categoryIds.length ? f.categoryIds : [-1]);
  if (f.tagId !== undefined) q = q.where('articles.id', 'in', db.selectFrom('article_tags').select('article_id').where('tag_id', '=', f.tagId));
  if (f.personId !== undefined) q = q.where('articles.id', 'in', db.selectFrom('article_bylines').select('article_id').where('person_id', '=', f.personId));
  if (f.excludeIds?.length) q = q.where('articles.id', 'not in', f.excludeIds);
  return q;
}

/** Published stories, newest first. */
export async function listPublished(db: Db, f: ListFilter): Promise<ArticleSummary[]> {
  return publishedQuery(db, f)
    .select([...SUMMARY_COLUMNS])
    .orderBy('articles.published_at', 'desc')
    .orderBy('articles.id', 'desc')
    .limit(f.limit)
    .offset(f.offset ?? 0)
    .execute();
}

/** Published stories by id, in the order given (ids that are not published are left out). */
export async function listPublishedByIds(db: Db, ids: number[]): Promise<ArticleSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('articles').select([...SUMMARY_COLUMNS]).where('articles.status', '=', 'published').where('articles.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is ArticleSummary => r !== undefined);
}

export async function countPublished(db: Db, f: Omit<ListFilter, 'limit' | 'offset'>): Promise<number> {
  const row = await publishedQuery(db, f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getTagBySlug(db: Db, slug: string): Promise<TagRow | undefined> {
  return db.selectFrom('tags').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function getPersonBySlug(db: Db, slug: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function countArticles(db: Db): Promise<number> {
  const row = await db.selectFrom('articles').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
