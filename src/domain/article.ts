import { z } from 'zod';

export const ARTICLE_TYPES = ['standard', 'photo', 'video', 'audio', 'infographic', 'emagazine'] as const;
export type ArticleType = (typeof ARTICLE_TYPES)[number];
export const ArticleTypeSchema = z.enum(ARTICLE_TYPES);

export const ARTICLE_TYPE_LABELS: Record<ArticleType, { name: string; titleLabel: string | null }> = {
  standard: { name: 'Tin bài', titleLabel: null },
  photo: { name: 'Ảnh', titleLabel: 'Ảnh' },
  video: { name: 'Video', titleLabel: 'Video' },
  audio: { name: 'Audio', titleLabel: 'Audio' },
  infographic: { name: 'Infographic', titleLabel: 'Infographic' },
  emagazine: { name: 'E-magazine', titleLabel: 'E-magazine' },
};

/**
 * Workflow states. Only `published` is visible to readers. The workflow rules themselves
 * (who may move a story where) live in src/domain/workflow.ts.
 */
export const ARTICLE_STATUSES = ['draft', 'submitted', 'editing', 'awaiting_approval', 'approved', 'scheduled', 'published', 'unpublished'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export const ARTICLE_STATUS_LABELS: Record<ArticleStatus, string> = {
  draft: 'Bản nháp',
  submitted: 'Đã gửi',
  editing: 'Đang biên tập',
  awaiting_approval: 'Chờ duyệt',
  approved: 'Đã duyệt',
  scheduled: 'Hẹn giờ đăng',
  published: 'Đã đăng',
  unpublished: 'Đã gỡ',
};

/** Path of an article page: `/{slug}-post{id}.html` (`/post{id}.html` for a story stored without a slug). */
export function articlePath(a: { id: number; slug: string }): string {
  return a.slug ? `/${a.slug}-post${a.id}.html` : `/post${a.id}.html`;
}

const ARTICLE_FILE = /^(?:([a-z0-9-]+)-)?post(\d{1,10})\.html$/i;
/** Ids are 32-bit integers on PostgreSQL: a larger number names no story (and must not reach the database). */
const MAX_ID = 2_147_483_647;

/** The slug (lowercased: `/Nong-Dan-post1.html` redirects to the canonical path) and id of an article file name. */
export function parseArticleFile(segment: string): { slug: string; id: number } | null {
  const m = ARTICLE_FILE.exec(segment);
  if (!m) return null;
  const id = Number(m[2]);
  if (id > MAX_ID) return null;
  return { slug: (m[1] ?? '').toLowerCase(), id };
}
