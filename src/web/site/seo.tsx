import { h, Fragment, type Html, raw } from '../jsx.ts';
import type { ArticleData, Chrome } from './data.ts';
import { articlePath } from '../../domain/article.ts';
import { isoWithOffset } from '../../domain/vietnamese.ts';
import { mediaUrl } from '../../media/urls.ts';
import { RATIOS, ratioVariantKey, type Ratio } from '../../media/variants.ts';
import { SOCIAL_HEIGHT, SOCIAL_WIDTH, socialImagePath } from '../../media/social.ts';
import { brandLogoPath, BRAND_LOGO_HEIGHT, BRAND_LOGO_WIDTH } from '../../media/brand.ts';
import { feedPath } from './feeds.ts';

/**
 * What search engines and social networks read from a page's head: Open Graph (Facebook, Zalo),
 * Twitter/X cards, schema.org JSON-LD (NewsArticle, BreadcrumbList, WebSite with SearchAction)
 * and feed discovery links. Every URL is absolute, made from the site's base URL.
 */

/** Google shows at most about 110 characters of a headline and warns beyond that. */
export const HEADLINE_MAX = 110;

type Json = Record<string, unknown>;

function abs(chrome: Chrome, path: string): string {
  return new URL(path, chrome.settings.baseUrl).toString();
}

/** JSON-LD inside <script>: "<" is escaped so no string can close the element early. */
export function JsonLd({ data }: { data: Json | Json[] }): Html {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return h('script', { type: 'application/ld+json' }, raw(json));
}

function ogLocale(language: string): string {
  return language.toLowerCase().startsWith('vi') ? 'vi_VN' : language.replace('-', '_');
}

function xHandle(url: string): string | undefined {
  const m = /^https?:\/\/(?:www\.)?(?:x|twitter)\.com\/@?([A-Za-z0-9_]{1,15})\/?$/.exec(url);
  return m ? `@${m[1]}` : undefined;
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function organization(chrome: Chrome): Json {
  const s = chrome.settings;
  const sameAs = Object.values(s.social).filter(Boolean);
  return {
    '@type': 'NewsMediaOrganization',
    '@id': abs(chrome, '/#publisher'),
    name: s.name,
    url: abs(chrome, '/'),
    logo: { '@type': 'ImageObject', url: abs(chrome, brandLogoPath(s.name)), width: BRAND_LOGO_WIDTH, height: BRAND_LOGO_HEIGHT },
    ...(sameAs.length ? { sameAs } : {}),
    ...(s.email ? { email: s.email } : {}),
    ...(s.phone ? { telephone: s.phone } : {}),
    ...(s.address ? { address: s.address } : {}),
  };
}

export function breadcrumbList(chrome: Chrome, items: Array<{ name: string; path: string }>): Json {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: [{ name: 'Trang chủ', path: '/' }, ...items].map((item, i) => ({ '@type': 'ListItem', position: i + 1, name: item.name, item: abs(chrome, item.path) })),
  };
}

function FeedLinks({ chrome, categorySlug, categoryName }: { chrome: Chrome; categorySlug?: string; categoryName?: string }): Html {
  const name = categoryName ? `${categoryName} - ${chrome.settings.name}` : chrome.settings.name;
  return (
    <>
      <link rel="alternate" type="application/rss+xml" title={`${name} (RSS)`} href={abs(chrome, feedPath('rss', categorySlug))} />
      <link rel="alternate" type="application/atom+xml" title={`${name} (Atom)`} href={abs(chrome, feedPath('atom', categorySlug))} />
      <link rel="alternate" type="application/feed+json" title={`${name} (JSON Feed)`} href={abs(chrome, feedPath('json', categorySlug))} />
    </>
  );
}

interface CardTags {
  type: 'website' | 'article';
  title: string;
  description: string;
  path: string;
  image?: { url: string; width: number; height: number; alt: string };
}

function SocialTags({ chrome, card }: { chrome: Chrome; card: CardTags }): Html {
  const s = chrome.settings;
  const handle = xHandle(s.social.x);
  return (
    <>
      <meta property="og:site_name" content={s.name} />
      <meta property="og:locale" content={ogLocale(s.language)} />
      <meta property="og:type" content={card.type} />
      <meta property="og:title" content={card.title} />
      <meta property="og:description" content={card.description} />
      <meta property="og:url" content={abs(chrome, card.path)} />
      {card.image ? (
        <>
          <meta property="og:image" content={card.image.url} />
          <meta property="og:image:type" content="image/jpeg" />
          <meta property="og:image:width" content={card.image.width} />
          <meta property="og:image:height" content={card.image.height} />
          <meta property="og:image:alt" content={card.image.alt} />
        </>
      ) : null}
      <meta name="twitter:card" content={card.image ? 'summary_large_image' : 'summary'} />
      {handle ? <meta name="twitter:site" content={handle} /> : null}
      <meta name="twitter:title" content={card.title} />
      <meta name="twitter:description" content={card.description} />
      {card.image ? (
        <>
          <meta name="twitter:image" content={card.image.url} />
          <meta name="twitter:image:alt" content={card.image.alt} />
        </>
      ) : null}
    </>
  );
}

export function homeHead(chrome: Chrome): Html {
  const s = chrome.settings;
  const website: Json = {
    '@context': 'https://schema.org',
    '@type': 'WebSite',
    '@id': abs(chrome, '/#website'),
    name: s.name,
    url: abs(chrome, '/'),
    inLanguage: s.language,
    ...(s.tagline ? { description: s.tagline } : {}),
    publisher: { '@id': abs(chrome, '/#publisher') },
    potentialAction: { '@type': 'SearchAction', target: { '@type': 'EntryPoint', urlTemplate: `${abs(chrome, '/tim-kiem')}?q={search_term_string}` }, 'query-input': 'required name=search_term_string' },
  };
  return (
    <>
      <SocialTags chrome={chrome} card={{ type: 'website', title: s.name, description: s.tagline || s.name, path: '/', image: { url: abs(chrome, brandLogoPath(s.name)), width: BRAND_LOGO_WIDTH, height: BRAND_LOGO_HEIGHT, alt: s.name } }} />
      <FeedLinks chrome={chrome} />
      <JsonLd data={[website, { '@context': 'https://schema.org', ...organization(chrome) }]} />
    </>
  );
}

/** Head of a listing page (category, tag, author). Category pages also announce their own feeds. */
export function listingHead(chrome: Chrome, page: { title: string; description: string; path: string; crumbs?: Array<{ name: string; path: string }> }): Html {
  const category = [...chrome.byId.values()].find((c) => c.path === page.path);
  const crumbs = page.crumbs ?? [{ name: page.title, path: page.path }];
  return (
    <>
      <SocialTags chrome={chrome} card={{ type: 'website', title: `${page.title} | ${chrome.settings.name}`, description: page.description, path: page.path }} />
      <FeedLinks chrome={chrome} categorySlug={category?.slug} categoryName={category?.name} />
      <JsonLd data={breadcrumbList(chrome, crumbs)} />
    </>
  );
}

/** Cover crops in the ratios Google asks for; for a story without a cover, its generated social card. */
export function articleImages(chrome: Chrome, data: ArticleData): string[] {
  const a = data.detail.article;
  const cover = a.cover_media_id ? data.media.get(a.cover_media_id) : undefined;
  if (cover?.storage_key) return (Object.keys(RATIOS) as Ratio[]).map((r) => abs(chrome, mediaUrl(ratioVariantKey(cover.storage_key!, r))));
  return [abs(chrome, socialImagePath({ id: a.id, title: a.title, type: a.type, coverKey: null, siteName: chrome.settings.name }))];
}

export function newsArticle(chrome: Chrome, data: ArticleData): Json {
  const { article: a, tags, bylines } = data.detail;
  const s = chrome.settings;
  const off = s.utcOffsetMinutes;
  const url = abs(chrome, articlePath(a));
  const published = a.published_at ?? a.created_at;
  const modified = a.updated_at > published ? a.updated_at : published;
  const section = chrome.byId.get(a.category_id)?.name;
  const authors = bylines.length ? bylines.map((b) => ({ '@type': 'Person', name: b.name, ...(b.title ? { jobTitle: b.title } : {}), ...(b.slug ? { url: abs(chrome, `/tac-gia/${b.slug}`) } : {}) })) : [{ '@type': 'Organization', name: s.name, url: abs(chrome, '/') }];
  const cover = a.cover_media_id ? data.media.get(a.cover_media_id) : undefined;
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    '@id': `${url}#article`,
    mainEntityOfPage: { '@type': 'WebPage', '@id': url },
    url,
    headline: truncate(a.title, HEADLINE_MAX),
    ...(a.title.length > HEADLINE_MAX ? { alternativeHeadline: a.title } : {}),
    description: a.seo_description || a.sapo || a.title,
    image: articleImages(chrome, data),
    ...(cover?.storage_key ? { thumbnailUrl: abs(chrome, mediaUrl(ratioVariantKey(cover.storage_key, '4x3'))) } : {}),
    datePublished: isoWithOffset(published, off),
    dateModified: isoWithOffset(modified, off),
    author: authors,
    publisher: organization(chrome),
    ...(section ? { articleSection: section } : {}),
    ...(tags.length ? { keywords: tags.map((t) => t.name).join(', ') } : {}),
    inLanguage: s.language,
    isAccessibleForFree: true,
    ...(a.type === 'infographic' ? { genre: 'Infographic' } : {}),
  };
}

export function articleHead(chrome: Chrome, data: ArticleData, crumbs: Array<{ name: string; path: string }>): Html {
  const { article: a, tags } = data.detail;
  const off = chrome.settings.utcOffsetMinutes;
  const path = articlePath(a);
  const cover = a.cover_media_id ? data.media.get(a.cover_media_id) : undefined;
  const image = { url: abs(chrome, socialImagePath({ id: a.id, title: a.title, type: a.type, coverKey: cover?.storage_key ?? null, siteName: chrome.settings.name })), width: SOCIAL_WIDTH, height: SOCIAL_HEIGHT, alt: cover?.alt || a.title };
  const published = a.published_at ?? a.created_at;
  const section = chrome.byId.get(a.category_id);
  return (
    <>
      <SocialTags chrome={chrome} card={{ type: 'article', title: a.seo_title || a.title, description: a.seo_description || a.sapo || a.title, path, image }} />
      <meta property="article:published_time" content={isoWithOffset(published, off)} />
      <meta property="article:modified_time" content={isoWithOffset(a.updated_at > published ? a.updated_at : published, off)} />
      {section ? <meta property="article:section" content={section.name} /> : null}
      {tags.map((t) => (
        <meta property="article:tag" content={t.name} />
      ))}
      <FeedLinks chrome={chrome} />
      <JsonLd data={[newsArticle(chrome, data), breadcrumbList(chrome, [...crumbs, { name: truncate(a.title, HEADLINE_MAX), path }])]} />
    </>
  );
}

