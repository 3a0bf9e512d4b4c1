import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { ContentEvent, ListingPlace } from '../domain/events.ts';
import { keys } from '../web/site/data.ts';
import { SUMMARY_COLUMNS } from '../storage/content.ts';

type Db = Kysely<Database>;

/** Where a story appears in listings: what decides which list pages change when it does. `card` digests what a listing card shows (title, sapo, cover, time, slug…): a card changes only if it does. */
export type Membership = ListingPlace;

export async function loadMembership(db: Db, articleId: number): Promise<Membership | undefined> {
  const row = await db.selectFrom('articles').select([...SUMMARY_COLUMNS, 'articles.status']).where('articles.id', '=', articleId).executeTakeFirst();
  if (!row) return undefined;
  const [tags, people] = await Promise.all([
    db.selectFrom('article_tags').select('tag_id').where('article_id', '=', articleId).execute(),
    db.selectFrom('article_bylines').select('person_id').where('article_id', '=', articleId).where('person_id', 'is not', null).execute(),
  ]);
  return {
    status: row.status,
    categoryId: row.category_id,
    publishedAt: row.published_at,
    tagIds: [...new Set(tags.map((t) => t.tag_id))].sort((a, b) => a - b),
    personIds: [...new Set(people.map((p) => p.person_id!))].sort((a, b) => a - b),
    // Not the category: no card shows it (a move changes listings, which their own keys cover).
    card: createHash('sha256').update(JSON.stringify([row.slug, row.title, row.short_title, row.sapo, row.type, row.cover_media_id, row.published_at])).digest('base64url'),
  };
}

/** Paginated full listings the story belongs to: their totals and page boundaries move whenever it joins or leaves. */
function listKeys(m: Membership): string[] {
  return [keys.category(m.categoryId), ...m.tagIds.map(keys.tag), ...m.personIds.map(keys.author)];
}

/** "Newest N" blocks a newly visible story enters at the top: home and the same-category block of its category's stories. */
function headKeys(m: Membership): string[] {
  return [keys.home, keys.categoryHead(m.categoryId)];
}

function sameListing(a: Membership, b: Membership): boolean {
  return a.categoryId === b.categoryId && a.publishedAt === b.publishedAt && a.tagIds.join() === b.tagIds.join() && a.personIds.join() === b.personIds.join();
}

/**
 * Exactly the dependency keys an event changes.
 *
 * - A story's own page (and feeds with its full text) carry `a:{id}`; every card of it in a listing carries `s:{id}`.
 *   Editing the body invalidates `a:{id}` only; editing what a card shows (title, sapo, cover…) adds `s:{id}`.
 * - A story that becomes visible changes its full listings (category, tags, authors: `c:`, `t:`, `p:`) and the
 *   "newest" blocks (home, `ch:{category}` on the same-category block of article pages, `latest` on the "Tin mới"
 *   block of a story alone in its category).
 * - A story taken down changes the full listings (totals, later pages shift); a "newest" block changes only if it
 *   showed the story, and then it already carries `a:{id}`.
 * - An update that moves a story between listings (category, tags, bylines, publication time) counts as leaving the
 *   old ones and entering the new ones. `before` is the place the workflow read before the change (the event's
 *   `previous`), or what this process last knew; when unknown, the current listings are invalidated as if it had moved.
 */
export function keysForEvent(event: ContentEvent, before: Membership | undefined, after: Membership | undefined): string[] {
  switch (event.type) {
    case 'settings.changed':
      return [keys.settings];
    case 'home.curated':
      return [keys.home];
    case 'popular.changed':
      return [keys.popular];
    case 'media.updated':
      return [keys.media(event.mediaId)];
    case 'taxonomy.changed':
      return [keys.taxonomy];
    case 'article.related_changed':
      return [keys.article(event.articleId)];
    case 'article.published': {
      const out = [keys.article(event.articleId), keys.summary(event.articleId), keys.latest];
      for (const m of [before, after]) if (m) out.push(...listKeys(m), ...headKeys(m));
      return [...new Set(out)];
    }
    case 'article.unpublished': {
      const out = [keys.article(event.articleId), keys.summary(event.articleId)];
      for (const m of [before, after]) if (m) out.push(...listKeys(m));
      return [...new Set(out)];
    }
    case 'article.updated': {
      const out = [keys.article(event.articleId)];
      if (!before || !after || before.card !== after.card) out.push(keys.summary(event.articleId));
      const visible = after?.status === 'published';
      if (before && after && sameListing(before, after)) return out;
      const wasVisible = before?.status === 'published';
      const oldLists = before && wasVisible ? listKeys(before) : [];
      const newLists = after && visible ? listKeys(after) : [];
      if (before && wasVisible && visible && before.publishedAt === after!.publishedAt) {
        // Same place in time: only the listings it left or joined change; the others keep their order and totals.
        out.push(...oldLists.filter((k) => !newLists.includes(k)), ...newLists.filter((k) => !oldLists.includes(k)));
      } else {
        out.push(...oldLists, ...newLists);
      }
      // "Newest" blocks depend only on category and publication time: a retag or new byline leaves them as they are.
      const headsMove = !before || !wasVisible || before.categoryId !== after?.categoryId || before.publishedAt !== after?.publishedAt;
      if (after && visible && headsMove) out.push(...headKeys(after));
      // The site's newest list changes by time only, not by category.
      if (after && visible && (!before || !wasVisible || before.publishedAt !== after.publishedAt)) out.push(keys.latest);
      // Leaving a category leaves its "newest" block (the same-category block of its article pages).
      if (before && wasVisible && before.categoryId !== after?.categoryId) out.push(...headKeys(before));
      return [...new Set(out)];
    }
  }
}
