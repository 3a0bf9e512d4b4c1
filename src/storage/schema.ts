import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Tables of the content model. Times are ISO-8601 UTC strings on both engines so that
 * ordering and comparison behave the same on SQLite and PostgreSQL; JSON is stored as text.
 */
export interface CategoryTable {
  id: Generated<number>;
  slug: string;
  name: string;
  parent_id: number | null;
  position: number;
  description: string;
}

export interface TagTable {
  id: Generated<number>;
  slug: string;
  name: string;
}

export interface PersonTable {
  id: Generated<number>;
  slug: string;
  name: string;
  /** Job title shown under a byline, e.g. "Phóng viên". */
  title: string;
  bio: string;
}

export interface MediaTable {
  id: Generated<number>;
  /** Original file name (as in the source document or upload). */
  file_name: string;
  /** Path below the media directory; null when the file itself is missing (imported placeholder). */
  storage_key: string | null;
  mime: string;
  width: number;
  height: number;
  byte_size: number;
  caption: string;
  credit: string;
  alt: string;
  sha256: string | null;
  created_at: string;
  /** Caption, alt text and file name folded for the library search (src/storage/media.ts, migration 009). */
  search_f: string;
  /** Audio: milliseconds of playing time when its headers tell it (migration 012); null for images. */
  duration_ms: number | null;
}

export interface ArticleTable {
  id: Generated<number>;
  slug: string;
  title: string;
  short_title: string;
  sapo: string;
  /** Structured document (ProseMirror/TipTap JSON), see src/domain/document.ts. */
  body: string;
  type: string;
  category_id: number;
  cover_media_id: number | null;
  status: string;
  seo_title: string;
  seo_description: string;
  published_at: string | null;
  updated_at: string;
  created_at: string;
}

export interface ArticleTagTable {
  article_id: number;
  tag_id: number;
  position: number;
}

export interface ArticleBylineTable {
  id: Generated<number>;
  article_id: number;
  position: number;
  /** A newsroom person, or null for a free-text contributor byline. */
  person_id: number | null;
  name: string;
}

export interface ImportSourceTable {
  id: Generated<number>;
  sha256: string;
  file_name: string;
  text: string;
  imported_at: string;
  article_id: number;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface Database {
  categories: CategoryTable;
  tags: TagTable;
  people: PersonTable;
  media: MediaTable;
  articles: ArticleTable;
  article_tags: ArticleTagTable;
  article_bylines: ArticleBylineTable;
  import_sources: ImportSourceTable;
  settings: SettingTable;
}

export type CategoryRow = Selectable<CategoryTable>;
export type TagRow = Selectable<TagTable>;
export type PersonRow = Selectable<PersonTable>;
export type MediaRow = Selectable<MediaTable>;
export type ArticleRow = Selectable<ArticleTable>;
export type NewArticle = Insertable<ArticleTable>;
export type ArticleUpdate = Updateable<ArticleTable>;

// ---------- newsroom (migration 002) ----------

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  /** scrypt$N$r$p$salt$hash, see src/newsroom/passwords.ts. */
  password_hash: string;
  /** JSON array of role keys. */
  roles: string;
  /** JSON array of category ids (the person's desks). */
  desk_ids: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  ip: string;
  user_agent: string;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Migration 010: null = valid until revoked. */
  expires_at: string | null;
}

export interface NewsroomArticleTable {
  article_id: number;
  author_id: number | null;
  version: Generated<number>;
  correction_state: string | null;
  pending_revision_id: number | null;
  live_revision_id: number | null;
  correction_note: Generated<string>;
  corrected_at: string | null;
  return_note: Generated<string>;
  takedown_reason: Generated<string>;
  scheduled_at: string | null;
  deleted_at: string | null;
  deleted_by: number | null;
}

export interface ArticleRevisionTable {
  id: Generated<number>;
  article_id: number;
  kind: string;
  snapshot: string;
  user_id: number | null;
  note: string;
  created_at: string;
  updated_at: string;
}

export interface EditLockTable {
  article_id: number;
  user_id: number;
  acquired_at: string;
  expires_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  user_email: string;
  action: string;
  article_id: number | null;
  target: string;
  from_status: string | null;
  to_status: string | null;
  note: string;
  ip: string;
  user_agent: string;
  details: string;
}

/** A login attempt in flight or failed, for the rate limit (migration 007). */
export interface LoginClaimTable {
  id: Generated<number>;
  email: string;
  ip: string;
  at: string;
}

export interface Database {
  login_claims: LoginClaimTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  newsroom_articles: NewsroomArticleTable;
  article_revisions: ArticleRevisionTable;
  edit_locks: EditLockTable;
  audit_log: AuditLogTable;
}

export type UserRow = Selectable<UserTable>;
export type NewsroomArticleRow = Selectable<NewsroomArticleTable>;
export type ArticleRevisionRow = Selectable<ArticleRevisionTable>;
export type AuditLogRow = Selectable<AuditLogTable>;

// ---------- search (migration 003) ----------

/** PostgreSQL only: the search vector of an article (SQLite keeps its index in the FTS5 table search_fts). */
export interface SearchDocumentTable {
  article_id: number;
  /** tsvector, written and read as its text form. */
  tsv: string;
  /** tsvector of adjacent folded key pairs (`a_b`, no positions): phrase queries narrow by it (src/search/query.ts pgPairs). */
  pairs: string;
}

export interface Database {
  search_documents: SearchDocumentTable;
}

// ---------- where images are used (migration 011) ----------

/** One use of a library image by a story (live row or pending correction), kept in step by src/storage/media.ts. */
export interface ArticleMediaTable {
  article_id: number;
  media_id: number;
  /** cover | figure | gallery */
  role: string;
}

export interface Database {
  article_media: ArticleMediaTable;
}

// ---------- editor-picked related stories (migration 013) ----------

/** One of the "Tin liên quan" an editor picked for a story, in order (position 0 first); see newsroom-articles.ts. */
export interface ArticleRelatedPickTable {
  article_id: number;
  position: number;
  related_id: number;
}

export interface Database {
  article_related_picks: ArticleRelatedPickTable;
}

// ---------- reads per story and day (migration 014) ----------

/** How many times a story's page was read on one day of the site's calendar (YYYY-MM-DD); see src/cache/views.ts. */
export interface ArticleViewTable {
  article_id: number;
  day: string;
  views: number;
}

export interface Database {
  article_views: ArticleViewTable;
}

// ---------- story pages kept in parts (migration 016) ----------

/** A published story's page in parts: see src/web/site/article-parts.ts and src/storage/page-parts.ts. */
export interface ArticlePagePartsTable {
  article_id: number;
  /** Fingerprint of the templates that made it: another one means the row is stale. */
  format: string;
  /** The story's updated_at when it was made. */
  updated_at: string;
  /** Encoded parts (encodeParts). */
  parts: Uint8Array;
  created_at: string;
}

export interface ArticlePagePartKeyTable {
  key: string;
  article_id: number;
}

export interface PagePartsStateTable {
  id: number;
  generation: number;
}

export interface Database {
  article_page_parts: ArticlePagePartsTable;
  article_page_part_keys: ArticlePagePartKeyTable;
  page_parts_state: PagePartsStateTable;
}
