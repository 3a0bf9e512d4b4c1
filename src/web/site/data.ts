import type { Kysely } from 'kysely';
import type { AppContext } from '../context.ts';
import type { ArticleRow, CategoryRow, Database, MediaRow, PersonRow, TagRow } from '../../storage/schema.ts';
import { getHomeCuration } from '../../storage/curation.ts';
import { countPublished, listPublishedByIds, getArticleDetail, getMediaByIds, getPersonBySlug, getSettings, getTagBySlug, listCategories, listPublished, type ArticleDetail, type ArticleSummary } from '../../storage/content.ts';
import { audios, figures } from '../../domain/document.ts';
import type { SiteSettings } from '../../domain/settings.ts';
import { pickedArticles, relatedArticles } from '../../search/related.ts';

type Db = Kysely<Database>;

export const PAGE_SIZE = 20;

export type CategoryWithPath = CategoryRow & { path: string };

export interface CategoryNode extends CategoryWithPath {
  children: CategoryWithPath[];
}

export interface Chrome {
  settings: SiteSettings;
  categories: CategoryNode[];
  byId: Map<number, CategoryNode | CategoryWithPath>;
}

export interface Listing {
  items: ArticleSummary[];
  media: Map<number, MediaRow>;
}

/** Dependency keys name what a rendered page shows, so a change can find exactly the pages it affects. */
export const keys = {
  /** Everything about a story: its own page, and any page showing more than its card (feeds with full text, sitemaps). */
  article: (id: number) => `a:${id}`,
  /** A story's card in a listing (title, sapo, cover, time, link): changes only when those do. */
  summary: (id: number) => `s:${id}`,
  /** The full, paginated listing of a category (category pages): changes whenever a story joins or leaves it. */
  category: (id: number) => `c:${id}`,
  /** The newest stories of a category (the "same category" block on article pages): changes when a story enters at the top. */
  categoryHead: (id: number) => `ch:${id}`,
  tag: (id: number) => `t:${id}`,
  author: (id: number) => `p:${id}`,
  /** A library image whose caption, credit or alt text a page shows (a story's own figures and cover). */
  media: (id: number) => `m:${id}`,
  home: 'home',
  /** The site's newest stories (the "Tin mới" block of a story alone in its category): changes when a story enters it by time. */
  latest: 'latest',
  /** The "Đọc nhiều" ranking (home and first category pages, never article pages): changes when its order does (src/cache/views.ts). */
  popular: 'popular',
  settings: 'settings',
  taxonomy: 'taxonomy',
};

export async function loadChrome(db: Db): Promise<Chrome> {
  const [settings, rows] = await Promise.all([getSettings(db), listCategories(db)]);
  const byId = new Map<number, CategoryNode | CategoryWithPath>();
  const top: CategoryNode[] = [];
  for (const r of rows) if (r.parent_id === null) top.push({ ...r, children: [], path: `/${r.slug}` });
  for (const t of top) byId.set(t.id, t);
  for (const r of rows) {
    if (r.parent_id === null) continue;
    const parent = byId.get(r.parent_id) as CategoryNode | undefined;
    const node = { ...r, path: parent ? `${parent.path}/${r.slug}` : `/${r.slug}` };
    parent?.children.push(node);
    byId.set(r.id, node);
  }
  return { settings, categories: top, byId };
}

/**
 * The chrome kept between renders while a page cache watches for changes: every page needs it and it changes only
 * with settings or categories. `forget` (on a `settings` or `taxonomy` invalidation, local or from another process)
 * drops it; a load that started before a change is dropped with it, so no render after the change sees the old one.
 */
export class ChromeMemo {
  private loading: Promise<Chrome> | undefined;
  private epoch = -1;

  get(db: Db, epoch: number): Promise<Chrome> {
    if (this.loading && epoch === this.epoch) return this.loading;
    const loading = loadChrome(db);
    this.loading = loading;
    this.epoch = epoch;
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }

  forget(): void {
    this.loading = undefined;
  }
}

const chromes = new WeakMap<AppContext, ChromeMemo>();

/** Settings and categories for a render: kept between renders when the page cache tells us of changes, else read. */
export function chromeFor(ctx: AppContext): Promise<Chrome> {
  const cache = ctx.siteCache;
  if (!cache) return loadChrome(ctx.store.db);
  let memo = chromes.get(ctx);
  if (!memo) {
    const created = new ChromeMemo();
    cache.pages.onInvalidate((changed) => {
      if (changed.includes(keys.settings) || changed.includes(keys.taxonomy)) created.forget();
    });
    chromes.set(ctx, (memo = created));
  }
  return memo.get(ctx.store.db, cache.pages.epoch);
}

/** A listing with the library rows of its cards' covers. */
export async function withMedia(db: Db, items: ArticleSummary[]): Promise<Listing> {
  const media = await getMediaByIds(db, items.map((i) => i.cover_media_id).filter((x): x is number => x !== null));
  return { items, media };
}

export function categoryWithDescendants(chrome: Chrome, id: number): number[] {
  const node = chrome.byId.get(id);
  return node && 'children' in node ? [id, ...node.children.map((c) => c.id)] : [id];
}

export interface HomeData {
  lead: ArticleSummary | undefined;
  /** Stories the managing editor placed under the lead, in their order. */
  featured: Listing;
  latest: Listing;
  sections: Array<{ category: CategoryNode; listing: Listing }>;
  /** The "Đọc nhiều" block (empty until stories are read). */
  mostRead: Listing;
  keys: string[];
}

/** Stories shown in the "Đọc nhiều" block. */
export const MOST_READ_SHOWN = 5;

/**
 * The "Đọc nhiều" block from the ranking (ids, most read first; src/cache/views.ts): its first published stories.
 * Keys: `popular` (the ranking), each card's `s:`, and the `s:` of every ranked story above the last one shown that is
 * not published now, so a story taken down leaves the block at once and one put back returns to it.
 */
export async function loadMostRead(db: Db, ranked: readonly number[]): Promise<{ listing: Listing; keys: string[] }> {
  const items = (await listPublishedByIds(db, [...ranked])).slice(0, MOST_READ_SHOWN);
  const last = items.at(-1);
  const considered = items.length < MOST_READ_SHOWN || !last ? ranked : ranked.slice(0, ranked.indexOf(last.id) + 1);
  return { listing: { items, media: new Map() }, keys: [keys.popular, ...considered.map(keys.summary)] };
}

export async function loadHome(db: Db, chrome: Chrome, ranked: readonly number[] = []): Promise<HomeData> {
  const curation = await getHomeCuration(db);
  const curated = await listPublishedByIds(db, [...(curation.leadId ? [curation.leadId] : []), ...curation.featuredIds]);
  const lead = curation.leadId ? curated[0] : undefined;
  const featured = curation.leadId ? curated.slice(1) : curated;
  const placed = curated.map((a) => a.id);
  const latest = [...(lead ? [lead] : []), ...(await listPublished(db, { limit: lead ? 12 : 13, excludeIds: placed }))];
  // The lead story is the page's headline: its section box starts with the next one instead of repeating it.
  const leadIds = latest[0] ? [latest[0].id] : [];
  const sections = await Promise.all(
    chrome.categories.map(async (category) => ({ category, items: await listPublished(db, { categoryIds: categoryWithDescendants(chrome, category.id), excludeIds: leadIds, limit: 4 }) })),
  );
  const all = [...latest, ...featured, ...sections.flatMap((s) => s.items)];
  const [media, mostRead] = await Promise.all([getMediaByIds(db, all.map((i) => i.cover_media_id).filter((x): x is number => x !== null)), loadMostRead(db, ranked)]);
  return {
    lead: latest[0],
    featured: { items: featured, media },
    latest: { items: latest.slice(1), media },
    sections: sections.filter((s) => s.items.length > 0).map((s) => ({ category: s.category, listing: { items: s.items, media } })),
    mostRead: mostRead.listing,
    keys: [keys.home, ...all.map((a) => keys.summary(a.id)), ...mostRead.keys],
  };
}

export interface PagedListing extends Listing {
  page: number;
  pages: number;
  total: number;
}

async function paged(db: Db, filter: Parameters<typeof countPublished>[1], page: number): Promise<PagedListing> {
  const total = await countPublished(db, filter);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const items = page <= pages ? await listPublished(db, { ...filter, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }) : [];
  return { ...(await withMedia(db, items)), page, pages, total };
}

export async function loadCategoryListing(db: Db, chrome: Chrome, categoryId: number, page: number): Promise<PagedListing> {
  return paged(db, { categoryIds: categoryWithDescendants(chrome, categoryId) }, page);
}

export async function loadTag(db: Db, slug: string, page: number): Promise<{ tag: TagRow; listing: PagedListing } | undefined> {
  const tag = await getTagBySlug(db, slug);
  if (!tag) return undefined;
  return { tag, listing: await paged(db, { tagId: tag.id }, page) };
}

export async function loadAuthor(db: Db, slug: string, page: number): Promise<{ person: PersonRow; listing: PagedListing } | undefined> {
  const person = await getPersonBySlug(db, slug);
  if (!person) return undefined;
  return { person, listing: await paged(db, { personId: person.id }, page) };
}

export interface ArticleData {
  detail: ArticleDetail;
  /** The public correction note of the live version, when a published correction carried one. */
  correction: { note: string; at: string } | null;
  media: Map<number, MediaRow>;
  related: Listing;
  sameCategory: Listing;
  /** True when the category holds no other story and `sameCategory` is the site's newest stories instead ("Tin mới"). */
  sameCategoryIsLatest: boolean;
  /** What the page shows but the same-category block: the story, its related cards and its media. */
  ownKeys: string[];
  keys: string[];
}

export async function loadArticle(db: Db, id: number, row?: ArticleRow, opts: { sameCategory?: boolean } = {}): Promise<ArticleData | undefined> {
  const detail = await getArticleDetail(db, id, row);
  if (!detail) return undefined;
  const [meta, data] = await Promise.all([db.selectFrom('newsroom_articles').select(['correction_note', 'corrected_at']).where('article_id', '=', id).executeTakeFirst(), surroundArticle(db, detail, null, undefined, opts)]);
  if (meta?.correction_note && meta.corrected_at) data.correction = { note: meta.correction_note, at: meta.corrected_at };
  return data;
}

/** Stories in the "Có thể bạn quan tâm" block: the editor's picks first, then the computed ones. */
const RELATED_SHOWN = 6;

/** How many cards the same-category block shows. */
export const SAME_CATEGORY_SHOWN = 8;

export interface SameCategory {
  listing: Listing;
  /** True when the category holds no other story and the block shows the site's newest stories instead ("Tin mới"). */
  isLatest: boolean;
  keys: string[];
}

/** The same-category block of a story's page: its category's newest stories but itself. */
export async function loadSameCategory(db: Db, categoryId: number, articleId: number): Promise<SameCategory> {
  const inCategory = await listPublished(db, { categoryIds: [categoryId], excludeIds: [articleId], limit: SAME_CATEGORY_SHOWN });
  // The only story of its category shows the site's newest instead of an empty block: `latest` renews it when a
  // story enters by time, `ch:` when a second story joins the category.
  const isLatest = inCategory.length === 0;
  const items = isLatest ? await listPublished(db, { excludeIds: [articleId], limit: SAME_CATEGORY_SHOWN }) : inCategory;
  return sameCategoryOf(await withMedia(db, items), categoryId, isLatest);
}

export function sameCategoryOf(listing: Listing, categoryId: number, isLatest: boolean): SameCategory {
  return { listing, isLatest, keys: [keys.categoryHead(categoryId), ...(isLatest ? [keys.latest] : []), ...listing.items.map((r) => keys.summary(r.id))] };
}

/** What an article page shows around a story (related, same category, media): for live pages and newsroom previews. */
/** `pickIds`: the editor's picks of a working copy not stored yet (the newsroom preview of a pending correction). */
/** `sameCategory: false` leaves the same-category block out (a page rendered in parts fills it in: article-parts.ts). */
export async function surroundArticle(db: Db, detail: ArticleDetail, correction: ArticleData['correction'], pickIds?: readonly number[], opts: { sameCategory?: boolean } = {}): Promise<ArticleData> {
  const a = detail.article;
  const withSame = opts.sameCategory ?? true;
  const [picked, computed, inCategory] = await Promise.all([pickIds ? listPublishedByIds(db, [...pickIds]).then((rows) => rows.map((r) => ({ ...r, status: 'published' }))) : pickedArticles(db, a.id), relatedArticles(db, a.id, RELATED_SHOWN * 2), withSame ? listPublished(db, { categoryIds: [a.category_id], excludeIds: [a.id], limit: SAME_CATEGORY_SHOWN }) : []]);
  // The editor's picks lead, in their order (those not published are skipped now and shown once they are); the
  // computed list fills the rest of the block without repeating one.
  const shownPicks = picked.filter((p) => p.status === 'published');
  const pickedIds = new Set(shownPicks.map((p) => p.id));
  const related = [...shownPicks, ...computed.filter((r) => !pickedIds.has(r.id))].slice(0, RELATED_SHOWN);
  // Every pick's card key, shown or not: one taken down or edited changes this page (`s:` is emitted for both), and so
  // does one published or republished later, which the page does not show yet.
  const hiddenPicks = picked.filter((p) => !related.some((r) => r.id === p.id));
  const sameCategoryIsLatest = withSame && inCategory.length === 0;
  const sameCategory = sameCategoryIsLatest ? await listPublished(db, { excludeIds: [a.id], limit: SAME_CATEGORY_SHOWN }) : inCategory;
  // Every figure needs its library row (the stored file to draw). The page depends on the row's text (key `m:`) only
  // for the cover and for figures that leave caption, credit or alt to the library; cards only show a thumbnail
  // with the headline as its text.
  const bodyFigures = figures(detail.body);
  // Audio blocks need their row for the file; its text only when the block leaves caption or credit to the library.
  const bodyAudio = audios(detail.body);
  const ownMedia = [a.cover_media_id, ...bodyFigures.filter((f) => !f.caption || !f.credit || !f.alt).map((f) => f.mediaId), ...bodyAudio.filter((x) => !x.caption || !x.credit).map((x) => x.mediaId)].filter((x): x is number => typeof x === 'number');
  const mediaIds = [...new Set([...ownMedia, ...bodyFigures.map((f) => f.mediaId), ...bodyAudio.map((x) => x.mediaId), ...related.map((r) => r.cover_media_id), ...sameCategory.map((r) => r.cover_media_id)].filter((x): x is number => typeof x === 'number'))];
  const media = await getMediaByIds(db, mediaIds);
  const ownKeys = [keys.article(a.id), ...related.map((r) => keys.summary(r.id)), ...hiddenPicks.map((p) => keys.summary(p.id)), ...ownMedia.map(keys.media)];
  return {
    detail,
    correction,
    media,
    related: { items: related, media },
    sameCategory: { items: sameCategory, media },
    sameCategoryIsLatest,
    ownKeys,
    keys: withSame ? [...ownKeys, ...sameCategoryOf({ items: sameCategory, media }, a.category_id, sameCategoryIsLatest).keys] : ownKeys,
  };
}
