import { h, Fragment, type Html, type Child, raw } from '../jsx.ts';
import { SITE_CSS } from './styles.ts';
import type { Chrome, HomeData, Listing, PagedListing, ArticleData, CategoryNode } from './data.ts';
import type { ArticleSummary } from '../../storage/content.ts';
import type { CategoryRow } from '../../storage/schema.ts';
import { ARTICLE_TYPE_LABELS, articlePath, type ArticleType } from '../../domain/article.ts';
import { formatDateTimeVi, formatDateVi, isoWithOffset } from '../../domain/vietnamese.ts';
import { renderDoc } from './document-html.tsx';
import { Picture } from './picture.tsx';
import { articleHead, homeHead, listingHead } from './seo.tsx';

export interface PageMeta {
  title: string;
  description?: string;
  /** Path of the canonical URL (made absolute with the site's base URL); none on error pages. */
  path?: string;
  currentCategoryId?: number;
  head?: Html;
  noindex?: boolean;
  /** Leave the stylesheet and masthead as slots (see article-parts.ts): a story's page stored in parts. */
  slotted?: boolean;
}

/**
 * Where a part shared by many pages goes in a page rendered in parts: a marker made with NUL characters. A page whose
 * markers are not exactly the three expected (a story's own text holding one) is not cut at all: splitSlots in
 * article-parts.ts.
 */
export const SLOT_MARK = '\u0000toasoan-slot:';
export type SlotName = 'css' | 'masthead' | 'same';
const slot = (name: SlotName): Html => raw(`${SLOT_MARK}${name}\u0000`);

export function SiteStyle(): Html {
  return <style>{raw(SITE_CSS)}</style>;
}

export function absoluteUrl(chrome: Chrome, path: string): string {
  return new URL(path, chrome.settings.baseUrl).toString();
}

export function Layout({ chrome, meta, children }: { chrome: Chrome; meta: PageMeta; children?: Child }): Html {
  return (
    <html lang={chrome.settings.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{meta.title}</title>
        {meta.description ? <meta name="description" content={meta.description} /> : null}
        {meta.path !== undefined ? <link rel="canonical" href={absoluteUrl(chrome, meta.path)} /> : null}
        {meta.noindex ? <meta name="robots" content="noindex" /> : null}
        <meta name="theme-color" content="#a50e0e" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {meta.head ?? null}
        {meta.slotted ? slot('css') : <SiteStyle />}
      </head>
      <body>
        {meta.slotted ? slot('masthead') : <Masthead chrome={chrome} currentCategoryId={meta.currentCategoryId} />}
        <main id="noi-dung" class="wrap">
          {children}
        </main>
        <SiteFooter chrome={chrome} />
      </body>
    </html>
  );
}

/** The skip link and the masthead: the site's name, today's date, search and the sections (the current one marked). */
export function Masthead({ chrome, currentCategoryId }: { chrome: Chrome; currentCategoryId?: number }): Html {
  const s = chrome.settings;
  const today = formatDateTimeVi(new Date().toISOString(), s.utcOffsetMinutes).split(' - ')[0];
  return (
    <>
      <a class="skip" href="#noi-dung">Bỏ qua để đến nội dung chính</a>
      <header class="masthead">
        <div class="wrap top">
          <div>
            <a class="brand" href="/">{s.name}</a>
            {s.tagline ? <p class="tagline">{s.tagline}</p> : null}
          </div>
          <span class="today">{today}</span>
          <form class="search" action="/tim-kiem" method="get" role="search">
            <label class="visually-hidden" for="q">Tìm kiếm</label>
            <input id="q" name="q" type="search" placeholder="Tìm kiếm tin bài" />
            <button type="submit">Tìm</button>
          </form>
        </div>
        <nav class="sections wrap" aria-label="Chuyên mục">
          <ul>
            <li>
              <a href="/">Trang chủ</a>
            </li>
            {chrome.categories.map((c) => (
              <li>
                <a href={c.path} aria-current={currentCategoryId === c.id ? 'page' : undefined}>
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
    </>
  );
}

function SiteFooter({ chrome }: { chrome: Chrome }): Html {
  const s = chrome.settings;
  const links: Array<[string, string]> = [
    ['Facebook', s.social.facebook],
    ['YouTube', s.social.youtube],
    ['Zalo', s.social.zalo],
    ['X', s.social.x],
  ];
  return (
    <footer class="site">
      <div class="wrap">
        <p class="name">{s.name}</p>
        {s.governingBody ? <p>Cơ quan chủ quản: {s.governingBody}</p> : null}
        {s.licence ? <p>Giấy phép: {s.licence}</p> : null}
        {s.editorInChief ? <p>Tổng Biên tập: {s.editorInChief}</p> : null}
        {s.address ? <p>Địa chỉ: {s.address}</p> : null}
        {s.phone || s.email ? (
          <p>
            {s.phone ? <>Điện thoại: {s.phone}</> : null}
            {s.phone && s.email ? ' · ' : null}
            {s.email ? (
              <>
                Email: <a href={`mailto:${s.email}`}>{s.email}</a>
              </>
            ) : null}
          </p>
        ) : null}
        <ul class="social" aria-label="Mạng xã hội">
          {links
            .filter(([, url]) => url)
            .map(([name, url]) => (
              <li>
                <a href={url} rel="noopener">
                  {name}
                </a>
              </li>
            ))}
        </ul>
      </div>
    </footer>
  );
}

export function typeLabel(type: string): string | null {
  return ARTICLE_TYPE_LABELS[type as ArticleType]?.titleLabel ?? null;
}

function Headline({ a }: { a: Pick<ArticleSummary, 'title' | 'type'> }): Html {
  const label = typeLabel(a.type);
  return (
    <>
      {label ? <span class="label">[{label}] </span> : null}
      {a.title}
    </>
  );
}

function Thumb({ a, listing, width, height, priority, sizes, widths }: { a: ArticleSummary; listing: Listing; width: number; height: number; priority?: boolean; sizes?: string; widths?: number[] }): Html {
  const m = a.cover_media_id ? listing.media.get(a.cover_media_id) : undefined;
  // Thumbnails are drawn at a fixed size: the 2x and 3x candidates cover high-density phones.
  return <Picture media={m} alt={a.short_title || a.title} width={width} height={height} sizes={sizes ?? `${width}px`} widths={widths ?? (width <= 100 ? [160, 320] : [160, 320, 480])} priority={priority} />;
}

export function Cards({ listing, compact, chrome, showTime = true, level = 3 }: { listing: Listing; compact?: boolean; chrome: Chrome; showTime?: boolean; level?: 2 | 3 }): Html {
  const off = chrome.settings.utcOffsetMinutes;
  return (
    <ul class={compact ? 'cards compact' : 'cards'}>
      {listing.items.map((a) => (
        <li class="card">
          <a href={articlePath(a)} tabindex="-1" aria-hidden="true">
            <Thumb a={a} listing={listing} width={compact ? 100 : 160} height={compact ? 64 : 100} />
          </a>
          <div>
            {h(
              `h${level}`,
              null,
              <a href={articlePath(a)}>
                <Headline a={a} />
              </a>,
            )}
            {showTime && a.published_at ? <time datetime={isoWithOffset(a.published_at, off)}>{formatDateVi(a.published_at, off)}</time> : null}
            {compact ? null : <p>{a.sapo}</p>}
          </div>
        </li>
      ))}
    </ul>
  );
}

/**
 * "Đọc nhiều": the most read stories, numbered. On the home and category pages only (key `popular`): on article pages
 * a block that changes every few minutes would keep emptying the page cache of every story (docs/PERFORMANCE.md).
 */
function MostRead({ listing }: { listing: Listing }): Html {
  if (!listing.items.length) return raw('');
  return (
    <section class="block" aria-labelledby="doc-nhieu">
      <h2 id="doc-nhieu">Đọc nhiều</h2>
      <ol class="most-read">
        {listing.items.map((a) => (
          <li>
            <a href={articlePath(a)}>
              <Headline a={a} />
            </a>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function HomePage({ chrome, data }: { chrome: Chrome; data: HomeData }): Html {
  const s = chrome.settings;
  const lead = data.lead;
  return (
    <Layout chrome={chrome} meta={{ title: s.tagline ? `${s.name} - ${s.tagline}` : s.name, description: s.tagline || s.name, path: '/', head: homeHead(chrome) }}>
      <h1 class="visually-hidden">{s.name}</h1>
      {lead ? (
        <section class="lead" aria-label="Tin nổi bật">
          <a href={articlePath(lead)} tabindex="-1" aria-hidden="true">
            <Thumb a={lead} listing={data.latest} width={720} height={480} priority sizes="(min-width: 1140px) 660px, (min-width: 720px) 58vw, calc(100vw - 32px)" widths={[320, 480, 720, 960, 1280]} />
          </a>
          <div>
            <h2>
              <a href={articlePath(lead)}>
                <Headline a={lead} />
              </a>
            </h2>
            <p>{lead.sapo}</p>
          </div>
        </section>
      ) : (
        <p class="notice">Chưa có tin bài nào được xuất bản.</p>
      )}
      {data.featured.items.length ? (
        <section class="block" aria-labelledby="tin-noi-bat">
          <h2 id="tin-noi-bat">Tin nổi bật</h2>
          <Cards chrome={chrome} listing={data.featured} />
        </section>
      ) : null}
      <div class="layout">
        <div>
          <div class="sections-grid">
            {data.sections.map(({ category, listing }) => (
              <section class="block" aria-labelledby={`cm-${category.id}`}>
                <h2 id={`cm-${category.id}`}>
                  <a href={category.path}>{category.name}</a>
                </h2>
                <Cards chrome={chrome} listing={listing} compact />
              </section>
            ))}
          </div>
        </div>
        <aside class="rail" aria-label={data.mostRead.items.length ? 'Tin mới và Đọc nhiều' : 'Tin mới'}>
          <section class="block" aria-labelledby="tin-moi">
            <h2 id="tin-moi">Tin mới</h2>
            <Cards chrome={chrome} listing={data.latest} compact />
          </section>
          <MostRead listing={data.mostRead} />
        </aside>
      </div>
    </Layout>
  );
}

function Pager({ basePath, listing }: { basePath: string; listing: PagedListing }): Html {
  if (listing.pages <= 1) return raw('');
  const link = (p: number) => (p === 1 ? basePath : `${basePath}?trang=${p}`);
  const pages: number[] = [];
  for (let p = Math.max(1, listing.page - 3); p <= Math.min(listing.pages, listing.page + 3); p++) pages.push(p);
  return (
    <nav aria-label="Phân trang">
      <ul class="pager">
        {listing.page > 1 ? (
          <li>
            <a href={link(listing.page - 1)} rel="prev">
              Trang trước
            </a>
          </li>
        ) : null}
        {pages.map((p) => (
          <li>{p === listing.page ? <span aria-current="page">{p}</span> : <a href={link(p)}>{p}</a>}</li>
        ))}
        {listing.page < listing.pages ? (
          <li>
            <a href={link(listing.page + 1)} rel="next">
              Trang sau
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function Breadcrumbs({ items }: { items: Array<{ name: string; path: string }> }): Html {
  return (
    <nav class="crumbs" aria-label="Đường dẫn">
      <ol>
        {items.map((i) => (
          <li>
            <a href={i.path}>{i.name}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function ListingPage({ chrome, title, heading, description, path, listing, currentCategoryId, crumbs, subnav, head, mostRead }: { chrome: Chrome; title: string; heading: Child; description?: string; path: string; listing: PagedListing; currentCategoryId?: number; crumbs?: Array<{ name: string; path: string }>; subnav?: Array<CategoryRow & { path: string }>; head?: Html; mostRead?: Listing }): Html {
  const pageSuffix = listing.page > 1 ? ` - Trang ${listing.page}` : '';
  const stories = (
    <>
      {listing.items.length ? <Cards chrome={chrome} listing={listing} level={2} /> : <p class="notice">Chưa có tin bài nào.</p>}
      <Pager basePath={path} listing={listing} />
    </>
  );
  return (
    <Layout chrome={chrome} meta={{ title: `${title}${pageSuffix} | ${chrome.settings.name}`, description: description || title, path: listing.page > 1 ? `${path}?trang=${listing.page}` : path, currentCategoryId, head: head ?? listingHead(chrome, { title, description: description || title, path, crumbs }) }}>
      {crumbs ? <Breadcrumbs items={crumbs} /> : null}
      <h1>{heading}</h1>
      {subnav?.length ? (
        <ul class="subnav">
          {subnav.map((c) => (
            <li>
              <a href={c.path}>{c.name}</a>
            </li>
          ))}
        </ul>
      ) : null}
      {mostRead?.items.length ? (
        <div class="layout">
          <div>{stories}</div>
          <aside class="rail" aria-label="Đọc nhiều">
            <MostRead listing={mostRead} />
          </aside>
        </div>
      ) : (
        stories
      )}
    </Layout>
  );
}

export function categoryCrumbs(chrome: Chrome, categoryId: number): Array<{ name: string; path: string }> {
  const node = chrome.byId.get(categoryId);
  if (!node) return [];
  const parent = node.parent_id !== null ? chrome.byId.get(node.parent_id) : undefined;
  return [...(parent ? [{ name: parent.name, path: parent.path }] : []), { name: node.name, path: node.path }];
}

const WIDE_TYPES: ReadonlySet<ArticleType> = new Set(['photo', 'infographic', 'emagazine']);
/** The e-magazine cover spans the content width (1140 px less the page margins). */
const HERO_SIZES = '(min-width: 1140px) 1108px, calc(100vw - 32px)';

/**
 * "Tin cùng chuyên mục" (or "Tin mới" for a story alone in its category): under the story on wide pages, in the rail
 * beside it otherwise.
 */
export function SameCategoryBlock({ chrome, listing, isLatest, wide }: { chrome: Chrome; listing: Listing; isLatest: boolean; wide: boolean }): Html {
  const label = isLatest ? 'tin-moi' : 'tin-cung-chuyen-muc';
  const inner = (
    <>
      {isLatest ? <h2 id="tin-moi">Tin mới</h2> : <h2 id="tin-cung-chuyen-muc">Tin cùng chuyên mục</h2>}
      <Cards chrome={chrome} listing={listing} showTime={false} />
    </>
  );
  return wide ? (
    <section class="block" aria-labelledby={label}>
      {inner}
    </section>
  ) : (
    <aside class="rail" aria-labelledby={label}>
      <section class="block">{inner}</section>
    </aside>
  );
}

/** Photo, infographic and e-magazine stories: one wide column, the side blocks below it. */
export function isWideType(type: string): boolean {
  return WIDE_TYPES.has(type as ArticleType);
}

/**
 * A story's page. `slotted` leaves the stylesheet, the masthead and the same-category block as slots, to be filled
 * from parts shared by many pages (article-parts.ts); `data.sameCategory` is then not read.
 */
export function ArticlePage({ chrome, data, head, notice, slotted }: { chrome: Chrome; data: ArticleData; head?: Html; notice?: string; slotted?: boolean }): Html {
  const { article: a, body, tags, bylines } = data.detail;
  const off = chrome.settings.utcOffsetMinutes;
  const path = articlePath(a);
  const url = absoluteUrl(chrome, path);
  const category = chrome.byId.get(a.category_id);
  const topCategory = category && category.parent_id !== null ? chrome.byId.get(category.parent_id) : category;
  const enc = encodeURIComponent(url);
  // Photo, infographic and e-magazine stories are read for their images: one wide column, the side blocks below it.
  const wide = isWideType(a.type);
  // An e-magazine opens on its cover, across the page.
  const hero = a.type === 'emagazine' && a.cover_media_id ? data.media.get(a.cover_media_id) : undefined;
  const sameCategory = slotted ? slot('same') : <SameCategoryBlock chrome={chrome} listing={data.sameCategory} isLatest={data.sameCategoryIsLatest} wide={wide} />;
  return (
    <Layout chrome={chrome} meta={{ title: `${a.seo_title || a.title} | ${chrome.settings.name}`, description: a.seo_description || a.sapo || a.title, path, currentCategoryId: topCategory?.id, head: head ?? articleHead(chrome, data, categoryCrumbs(chrome, a.category_id)), slotted }}>
      <div class={wide ? `layout single type-${a.type}` : 'layout'}>
        <div>
          {notice ? (
            <p class="notice" role="status">
              {notice}
            </p>
          ) : null}
          <article class="story">
            {hero?.storage_key ? (
              <figure class="hero">
                <Picture media={hero} alt={hero.alt || hero.caption || a.title} width={hero.width ?? 1200} height={hero.height ?? 800} sizes={HERO_SIZES} priority />
              </figure>
            ) : null}
            <Breadcrumbs items={categoryCrumbs(chrome, a.category_id)} />
            <h1>
              <Headline a={a} />
            </h1>
            <div class="meta">
              {a.published_at ? <time datetime={isoWithOffset(a.published_at, off)}>{formatDateTimeVi(a.published_at, off)}</time> : null}
            </div>
            <input type="checkbox" id="co-chu" class="fs-toggle" />
            <div class="fontsize">
              <label for="co-chu">Cỡ chữ lớn</label>
            </div>
            {a.sapo ? <p class="sapo">{a.sapo}</p> : null}
            <div class="body">{renderDoc(body, data.media, { wide, leadShown: !!hero?.storage_key })}</div>
            {data.correction ? (
              <aside class="correction" aria-label="Đính chính">
                <p class="correction-note">
                  <strong>Đính chính</strong> (<time datetime={isoWithOffset(data.correction.at, off)}>{formatDateTimeVi(data.correction.at, off)}</time>): {data.correction.note}
                </p>
              </aside>
            ) : null}
            {bylines.length ? (
              <p class="bylines">
                {bylines.map((b, i) => (
                  <>
                    {i > 0 ? ', ' : null}
                    {b.slug ? <a href={`/tac-gia/${b.slug}`}>{b.name}</a> : b.name}
                  </>
                ))}
              </p>
            ) : null}
          </article>
          {tags.length ? (
            <nav aria-label="Thẻ">
              <ul class="tags">
                {tags.map((t) => (
                  <li>
                    <a href={`/tag/${t.slug}`}>#{t.name}</a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div class="share">
            <span>Chia sẻ:</span>
            <a href={`https://www.facebook.com/sharer/sharer.php?u=${enc}`} rel="noopener">
              Facebook
            </a>
            <a href={`https://sp.zalo.me/share_to_zalo?url=${enc}`} rel="noopener">
              Zalo
            </a>
            <a href={`https://x.com/intent/post?url=${enc}&text=${encodeURIComponent(a.title)}`} rel="noopener">
              X
            </a>
            <label class="visually-hidden" for="lien-ket">
              Sao chép liên kết
            </label>
            <input id="lien-ket" type="text" readonly value={url} />
          </div>
          <section class="block" aria-labelledby="co-the-ban-quan-tam">
            <h2 id="co-the-ban-quan-tam">Có thể bạn quan tâm</h2>
            {data.related.items.length ? <Cards chrome={chrome} listing={data.related} showTime={false} /> : <p>Chưa có tin liên quan.</p>}
          </section>
          {wide ? sameCategory : null}
        </div>
        {wide ? null : sameCategory}
      </div>
    </Layout>
  );
}

/** 404 and 410 pages: not indexed and with no canonical URL (the request path is the reader's, not ours to vouch for). */
export function MessagePage({ chrome, title, message, status }: { chrome: Chrome; title: string; message: Child; path: string; status: number }): Html {
  return (
    <Layout chrome={chrome} meta={{ title: `${title} | ${chrome.settings.name}`, noindex: true }}>
      <h1>{title}</h1>
      <div class="notice">{message}</div>
      <p>
        <a href="/">Về trang chủ</a>
      </p>
      {status === 404 ? (
        <form class="search" action="/tim-kiem" method="get" role="search">
          <label class="visually-hidden" for="q404">
            Tìm kiếm
          </label>
          <input id="q404" name="q" type="search" placeholder="Tìm tin bài" />
          <button type="submit">Tìm</button>
        </form>
      ) : null}
    </Layout>
  );
}

export type { CategoryNode };
