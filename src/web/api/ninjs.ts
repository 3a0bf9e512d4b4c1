import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { getArticleDetail, getMediaByIds, getSettings, type ArticleDetail } from '../../storage/content.ts';
import { listCategories } from '../../storage/content.ts';
import { ARTICLE_TYPE_LABELS, articlePath, type ArticleType } from '../../domain/article.ts';
import { audios, figures, plainText, wordCount, type AudioAttrs } from '../../domain/document.ts';
import type { SiteSettings } from '../../domain/settings.ts';
import type { MediaRow } from '../../storage/schema.ts';
import { mediaUrl } from '../../media/urls.ts';
import { RATIOS, ratioSize, ratioVariantKey, type Ratio } from '../../media/variants.ts';
import { renderDoc } from '../site/document-html.tsx';

/**
 * Partner export: a published story as IPTC ninjs 2.1 (News in JSON), so aggregators and partner
 * papers can take it with its headline, summary, body (HTML and plain text), bylines, section,
 * tags and pictures. Drafts and stories in the workflow are never exposed here.
 */
export const NINJS_SCHEMA = 'https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json';
export const NINJS_TYPE = 'application/json; charset=utf-8';

type Json = Record<string, unknown>;

const ATTR_URL = /\s(src|href|srcset)="([^"]*)"/g;

/** Makes every site-relative URL in rendered body HTML absolute: partners show it on their own sites. */
export function absolutizeHtml(html: string, baseUrl: string): string {
  const abs = (u: string) => (u.startsWith('/') && !u.startsWith('//') ? new URL(u, baseUrl).toString() : u);
  return html.replace(ATTR_URL, (_m, attr: string, value: string) => {
    const out = attr === 'srcset' ? value.replace(/(^|,\s*)(\S+)/g, (_x, sep: string, url: string) => `${sep}${abs(url)}`) : abs(value);
    return ` ${attr}="${out}"`;
  });
}

function pictureAssociation(name: string, m: MediaRow, baseUrl: string, fallbackCaption = ''): Json | undefined {
  if (!m.storage_key) return undefined;
  const abs = (p: string) => new URL(p, baseUrl).toString();
  const caption = m.caption || fallbackCaption;
  return {
    name,
    uri: abs(mediaUrl(m.storage_key)),
    type: 'picture',
    ...(caption ? { descriptions: [{ role: 'caption', contenttype: 'text/plain', value: caption }] } : {}),
    ...(m.credit ? { by: m.credit } : {}),
    ...(m.alt ? { headlines: [{ role: 'alt', value: m.alt }] } : {}),
    renditions: [
      { name: 'original', href: abs(mediaUrl(m.storage_key)), contenttype: m.mime, width: m.width, height: m.height, ...(m.byte_size > 0 ? { sizeinbytes: m.byte_size } : {}) },
      ...(Object.keys(RATIOS) as Ratio[]).map((r) => ({ name: `crop-${r}`, href: abs(mediaUrl(ratioVariantKey(m.storage_key!, r))), contenttype: 'image/jpeg', ...ratioSize(m.width, m.height, r) })),
    ],
  };
}

/** An audio block's recording, as ninjs describes a sound: its title, caption, credit and the file (with its duration when known). */
function audioAssociation(name: string, a: AudioAttrs, m: MediaRow, baseUrl: string): Json | undefined {
  if (!m.storage_key || !m.mime.startsWith('audio/')) return undefined;
  const href = new URL(mediaUrl(m.storage_key), baseUrl).toString();
  const caption = a.caption || m.caption;
  const credit = a.credit || m.credit;
  return {
    name,
    uri: href,
    type: 'audio',
    ...(a.title ? { title: a.title } : {}),
    ...(caption ? { descriptions: [{ role: 'caption', contenttype: 'text/plain', value: caption }] } : {}),
    ...(credit ? { by: credit } : {}),
    renditions: [{ name: 'original', href, contenttype: m.mime, ...(m.byte_size > 0 ? { sizeinbytes: m.byte_size } : {}), ...(m.duration_ms ? { duration: Math.round(m.duration_ms / 1000) } : {}) }],
  };
}

export function toNinjs(detail: ArticleDetail, media: Map<number, MediaRow>, settings: SiteSettings, section: { name: string; path: string } | undefined): Json {
  const { article: a, body, tags, bylines } = detail;
  const abs = (p: string) => new URL(p, settings.baseUrl).toString();
  const url = abs(articlePath(a));
  const published = a.published_at ?? a.created_at;
  const html = absolutizeHtml(renderDoc(body, media).value, settings.baseUrl);
  const text = plainText(body);
  const cover = a.cover_media_id ? media.get(a.cover_media_id) : undefined;
  const pictures = [
    ...(cover ? [pictureAssociation('featureimage', cover, settings.baseUrl)] : []),
    ...figures(body)
      .filter((f) => f.mediaId !== null && f.mediaId !== a.cover_media_id)
      .map((f, i) => {
        const m = media.get(f.mediaId!);
        return m ? pictureAssociation(`picture${i + 1}`, m, settings.baseUrl, f.caption) : undefined;
      }),
  ].filter((x): x is Json => x !== undefined);
  const sounds = audios(body)
    .map((x, i) => {
      const m = media.get(x.mediaId);
      return m ? audioAssociation(`audio${i + 1}`, x, m, settings.baseUrl) : undefined;
    })
    .filter((x): x is Json => x !== undefined);
  const associations = [...pictures, ...sounds];
  const typeName = ARTICLE_TYPE_LABELS[a.type as ArticleType]?.name;
  return {
    standard: { name: 'ninjs', version: '2.1', schema: NINJS_SCHEMA },
    uri: url,
    type: associations.length ? 'composite' : 'text',
    representationtype: 'full',
    version: String(Date.parse(a.updated_at)),
    firstcreated: new Date(a.created_at).toISOString(),
    versioncreated: new Date(a.updated_at > published ? a.updated_at : published).toISOString(),
    contentcreated: new Date(published).toISOString(),
    pubstatus: 'usable',
    language: settings.language,
    copyrightholder: settings.name,
    copyrightnotice: `© ${new Date(published).getUTCFullYear()} ${settings.name}`,
    title: a.title,
    slugline: a.slug,
    headlines: [{ role: 'main', contenttype: 'text/plain', value: a.title }, ...(a.short_title ? [{ role: 'short', contenttype: 'text/plain', value: a.short_title }] : []), ...(a.seo_title ? [{ role: 'seo', contenttype: 'text/plain', value: a.seo_title }] : [])],
    ...(a.sapo ? { descriptions: [{ role: 'summary', contenttype: 'text/plain', value: a.sapo }] } : {}),
    bodies: [
      { role: 'main', contenttype: 'text/html', charcount: text.length, wordcount: wordCount(body), value: html },
      { role: 'main', contenttype: 'text/plain', charcount: text.length, wordcount: wordCount(body), value: text },
    ],
    ...(bylines.length ? { by: bylines.map((b) => b.name).join(', '), people: bylines.map((b) => ({ name: b.name, rel: 'author', ...(b.slug ? { uri: abs(`/tac-gia/${b.slug}`) } : { literal: b.name }) })) } : {}),
    subjects: [...(section ? [{ name: section.name, rel: 'section', uri: abs(section.path) }] : []), ...tags.map((t) => ({ name: t.name, rel: 'keyword', uri: abs(`/tag/${t.slug}`) }))],
    ...(typeName ? { genres: [{ name: typeName, literal: a.type }] } : {}),
    renditions: [{ name: 'web', href: url, contenttype: 'text/html', title: a.title }],
    altids: [{ role: 'internal-id', value: String(a.id) }],
    ...(associations.length ? { associations } : {}),
  };
}

function problem(status: number, title: string, detail: string) {
  return { type: 'about:blank', title, status, detail };
}

export function registerNinjsApi(api: FastifyInstance, ctx: AppContext): void {
  api.get<{ Params: { id: string } }>('/ninjs/:id', async (req, reply) => {
    const m = /^(\d{1,12})(?:\.json)?$/.exec(req.params.id);
    if (!m) return reply.code(404).type('application/problem+json').send(problem(404, 'Không tìm thấy', 'Mã tin bài không hợp lệ.'));
    const db = ctx.store.db;
    const detail = await getArticleDetail(db, Number(m[1]));
    if (!detail || !['published', 'unpublished'].includes(detail.article.status)) return reply.code(404).type('application/problem+json').send(problem(404, 'Không tìm thấy', 'Không có tin bài đã xuất bản với mã này.'));
    if (detail.article.status === 'unpublished') return reply.code(410).type('application/problem+json').send(problem(410, 'Tin bài đã được gỡ', 'Tin bài này đã được tòa soạn gỡ xuống.'));
    const a = detail.article;
    const [settings, categories, media] = await Promise.all([getSettings(db), listCategories(db), getMediaByIds(db, [a.cover_media_id, ...figures(detail.body).map((f) => f.mediaId), ...audios(detail.body).map((x) => x.mediaId)].filter((x): x is number => typeof x === 'number'))]);
    const category = categories.find((c) => c.id === a.category_id);
    const parent = category?.parent_id ? categories.find((c) => c.id === category.parent_id) : undefined;
    const section = category ? { name: category.name, path: parent ? `/${parent.slug}/${category.slug}` : `/${category.slug}` } : undefined;
    return reply
      .header('cache-control', 'public, max-age=60')
      .header('last-modified', new Date(a.updated_at).toUTCString())
      .header('link', `<${NINJS_SCHEMA}>; rel="describedby"`)
      .type(NINJS_TYPE)
      .send(toNinjs(detail, media, settings, section));
  });
}
