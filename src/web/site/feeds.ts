import type { Kysely } from 'kysely';
import type { Database, MediaRow } from '../../storage/schema.ts';
import { getMediaByIds, listPublished, type ArticleSummary } from '../../storage/content.ts';
import { articlePath, ARTICLE_TYPE_LABELS, type ArticleType } from '../../domain/article.ts';
import { audios, DocSchema } from '../../domain/document.ts';
import { mediaUrl } from '../../media/urls.ts';
import { categoryWithDescendants, keys, type Chrome, type CategoryWithPath } from './data.ts';
import type { RenderedPage } from './routes.ts';

type Db = Kysely<Database>;

/** How many stories a feed carries: a day and a half of a provincial paper's output. */
export const FEED_SIZE = 50;

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export function xmlEscape(text: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Paths of a feed: site-wide, or per category. */
export function feedPath(format: FeedFormat, categorySlug?: string): string {
  if (!categorySlug) return { rss: '/rss.xml', atom: '/atom.xml', json: '/feed.json' }[format];
  return { rss: `/rss/${categorySlug}.rss`, atom: `/atom/${categorySlug}.xml`, json: `/feed/${categorySlug}.json` }[format];
}

interface FeedItem {
  summary: ArticleSummary;
  url: string;
  title: string;
  authors: string[];
  category: string | undefined;
  cover: MediaRow | undefined;
  /** An audio story's first recording (its live body's): the enclosure podcast apps play, instead of the cover. */
  sound: MediaRow | undefined;
}

/** The first audio file of each audio story's live body (not a pending correction's: that is not published yet). */
async function soundsOf(db: Db, stories: ArticleSummary[]): Promise<Map<number, MediaRow>> {
  const ids = stories.filter((a) => a.type === 'audio').map((a) => a.id);
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('articles').select(['id', 'body']).where('id', 'in', ids).execute();
  const first = new Map<number, number>();
  for (const r of rows) {
    const parsed = DocSchema.safeParse(JSON.parse(r.body));
    const mediaId = parsed.success ? audios(parsed.data).find((x) => typeof x.mediaId === 'number')?.mediaId : undefined;
    if (typeof mediaId === 'number') first.set(r.id, mediaId);
  }
  const media = await getMediaByIds(db, [...first.values()]);
  return new Map([...first].flatMap(([story, id]) => (media.has(id) ? [[story, media.get(id)!] as const] : [])));
}

async function bylinesOf(db: Db, ids: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('article_bylines')
    .leftJoin('people', 'people.id', 'article_bylines.person_id')
    .select(['article_bylines.article_id', 'article_bylines.name as free_name', 'people.name as person_name'])
    .where('article_bylines.article_id', 'in', ids)
    .orderBy('article_bylines.article_id')
    .orderBy('article_bylines.position')
    .execute();
  for (const r of rows) {
    const name = r.person_name ?? r.free_name;
    if (!name) continue;
    out.set(r.article_id, [...(out.get(r.article_id) ?? []), name]);
  }
  return out;
}

/**
 * Latest change to anything the feed could show, including stories taken down since
 * (a removal must move Last-Modified forward, not back to the previous newest item).
 */
async function lastChange(db: Db, categoryIds: number[] | undefined): Promise<string | undefined> {
  let q = db.selectFrom('articles').where('published_at', 'is not', null).where('status', 'in', ['published', 'unpublished']);
  if (categoryIds) q = q.where('category_id', 'in', categoryIds);
  const row = await q.select((eb) => eb.fn.max('updated_at').as('m')).executeTakeFirst();
  return row?.m ? String(row.m) : undefined;
}

function displayTitle(a: ArticleSummary): string {
  const label = ARTICLE_TYPE_LABELS[a.type as ArticleType]?.titleLabel;
  return label ? `[${label}] ${a.title}` : a.title;
}

function latestOf(items: ArticleSummary[], changed: string | undefined): string {
  let max = changed ?? '1970-01-01T00:00:00.000Z';
  for (const i of items) for (const t of [i.updated_at, i.published_at]) if (t && t > max) max = t;
  return max;
}

export async function renderFeed(db: Db, chrome: Chrome, format: FeedFormat, category?: CategoryWithPath): Promise<RenderedPage> {
  const s = chrome.settings;
  const abs = (p: string) => new URL(p, s.baseUrl).toString();
  const categoryIds = category ? categoryWithDescendants(chrome, category.id) : undefined;
  const [summaries, changed] = await Promise.all([listPublished(db, { categoryIds, limit: FEED_SIZE }), lastChange(db, categoryIds)]);
  const [media, bylines, sounds] = await Promise.all([getMediaByIds(db, summaries.map((a) => a.cover_media_id).filter((x): x is number => x !== null)), bylinesOf(db, summaries.map((a) => a.id)), soundsOf(db, summaries)]);
  const items: FeedItem[] = summaries.map((a) => ({
    summary: a,
    url: abs(articlePath(a)),
    title: displayTitle(a),
    authors: bylines.get(a.id) ?? [],
    category: chrome.byId.get(a.category_id)?.name,
    cover: a.cover_media_id ? media.get(a.cover_media_id) : undefined,
    sound: sounds.get(a.id),
  }));
  const title = category ? `${category.name} - ${s.name}` : s.name;
  const description = category?.description || s.tagline || s.name;
  const home = abs(category ? category.path : '/');
  const self = abs(feedPath(format, category?.slug));
  const updated = latestOf(summaries, changed);
  const pageKeys = [...(category ? categoryIds!.map(keys.category) : [keys.home]), ...summaries.map((a) => keys.article(a.id)), keys.settings, keys.taxonomy];
  const body = format === 'rss' ? rss(items, { title, description, home, self, updated, language: s.language, abs }) : format === 'atom' ? atom(items, { title, description, home, self, updated, language: s.language, abs, siteName: s.name }) : jsonFeed(items, { title, description, home, self, language: s.language, abs });
  return { status: 200, html: body, keys: [...new Set(pageKeys)], contentType: FEED_TYPES[format], lastModified: new Date(updated).toUTCString() };
}

interface FeedMeta {
  title: string;
  description: string;
  home: string;
  self: string;
  language: string;
  abs: (p: string) => string;
}

/** An enclosure needs a real file with a known length: imported placeholders have none. */
function enclosureOf(cover: MediaRow | undefined): { url: string; length: number; type: string } | undefined {
  if (!cover?.storage_key || !(cover.byte_size > 0)) return undefined;
  return { url: mediaUrl(cover.storage_key), length: cover.byte_size, type: cover.mime };
}

function rss(items: FeedItem[], m: FeedMeta & { updated: string }): string {
  const e = xmlEscape;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<channel>',
    `<title>${e(m.title)}</title>`,
    `<link>${e(m.home)}</link>`,
    `<description>${e(m.description)}</description>`,
    `<language>${e(m.language)}</language>`,
    `<lastBuildDate>${new Date(m.updated).toUTCString()}</lastBuildDate>`,
    `<atom:link href="${e(m.self)}" rel="self" type="application/rss+xml"/>`,
    '<generator>toasoan</generator>',
    '<ttl>10</ttl>',
  ];
  for (const i of items) {
    const a = i.summary;
    const enc = enclosureOf(i.sound ?? i.cover);
    out.push(
      '<item>',
      `<title>${e(i.title)}</title>`,
      `<link>${e(i.url)}</link>`,
      `<guid isPermaLink="true">${e(i.url)}</guid>`,
      a.published_at ? `<pubDate>${new Date(a.published_at).toUTCString()}</pubDate>` : '',
      `<description>${e(a.sapo || a.title)}</description>`,
      ...i.authors.map((n) => `<dc:creator>${e(n)}</dc:creator>`),
      i.category ? `<category>${e(i.category)}</category>` : '',
      enc ? `<enclosure url="${e(m.abs(enc.url))}" length="${enc.length}" type="${e(enc.type)}"/>` : '',
      '</item>',
    );
  }
  out.push('</channel>', '</rss>');
  return out.filter(Boolean).join('\n') + '\n';
}

function atom(items: FeedItem[], m: FeedMeta & { updated: string; siteName: string }): string {
  const e = xmlEscape;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${e(m.language)}">`,
    `<id>${e(m.self)}</id>`,
    `<title>${e(m.title)}</title>`,
    `<subtitle>${e(m.description)}</subtitle>`,
    `<updated>${new Date(m.updated).toISOString()}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${e(m.self)}"/>`,
    `<link rel="alternate" type="text/html" href="${e(m.home)}"/>`,
    // The paper itself is the feed's author, so every entry has one even without a byline.
    `<author><name>${e(m.siteName)}</name><uri>${e(m.abs('/'))}</uri></author>`,
    '<generator>toasoan</generator>',
  ];
  for (const i of items) {
    const a = i.summary;
    const enc = enclosureOf(i.sound ?? i.cover);
    const published = a.published_at ?? a.updated_at;
    const updated = a.updated_at > published ? a.updated_at : published;
    out.push(
      '<entry>',
      `<id>${e(i.url)}</id>`,
      `<title>${e(i.title)}</title>`,
      `<link rel="alternate" type="text/html" href="${e(i.url)}"/>`,
      `<published>${new Date(published).toISOString()}</published>`,
      `<updated>${new Date(updated).toISOString()}</updated>`,
      ...i.authors.map((n) => `<author><name>${e(n)}</name></author>`),
      i.category ? `<category term="${e(i.category)}"/>` : '',
      `<summary>${e(a.sapo || a.title)}</summary>`,
      enc ? `<link rel="enclosure" type="${e(enc.type)}" length="${enc.length}" href="${e(m.abs(enc.url))}"/>` : '',
      '</entry>',
    );
  }
  out.push('</feed>');
  return out.filter(Boolean).join('\n') + '\n';
}

function jsonFeed(items: FeedItem[], m: FeedMeta): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: m.title,
    home_page_url: m.home,
    feed_url: m.self,
    description: m.description,
    language: m.language,
    favicon: m.abs('/favicon.svg'),
    items: items.map((i) => {
      const a = i.summary;
      const enc = enclosureOf(i.cover);
      const sound = enclosureOf(i.sound);
      const published = a.published_at ?? a.updated_at;
      return {
        id: i.url,
        url: i.url,
        title: i.title,
        summary: a.sapo || undefined,
        content_text: a.sapo || a.title,
        image: enc ? m.abs(enc.url) : undefined,
        date_published: new Date(published).toISOString(),
        date_modified: new Date(a.updated_at > published ? a.updated_at : published).toISOString(),
        authors: i.authors.length ? i.authors.map((name) => ({ name })) : undefined,
        tags: i.category ? [i.category] : undefined,
        attachments: sound || enc ? [sound, enc].flatMap((x) => (x ? [{ url: m.abs(x.url), mime_type: x.type, size_in_bytes: x.length }] : [])) : undefined,
      };
    }),
  };
  return JSON.stringify(feed, null, 1);
}
