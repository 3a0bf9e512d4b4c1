import { h, Fragment, raw, renderDocument, type Html } from '../jsx.ts';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { Cards, Layout } from './pages.tsx';
import { chromeFor, keys, type Chrome } from './data.ts';
import type { RenderedPage } from './routes.ts';
import { ARTICLE_TYPES, ARTICLE_TYPE_LABELS, type ArticleType } from '../../domain/article.ts';
import { formatDateVi, isoWithOffset } from '../../domain/vietnamese.ts';
import { getMediaByIds, listPublished } from '../../storage/content.ts';
import { MAX_QUERY_LENGTH, QueryTooLongError } from '../../search/query.ts';
import { searchArticles, type SearchResult } from '../../search/search.ts';

/** The reader search page: /tim-kiem?q=…&chuyen-muc=…&loai=…&tu=…&den=…&trang=… */

interface SearchForm {
  q: string;
  category: string;
  type: string;
  from: string;
  to: string;
  page: number;
}

/** A query parameter as one string: repeated parameters take the first, anything odd becomes empty. */
function param(query: unknown, name: string): string {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readForm(req: FastifyRequest): { form: SearchForm; problems: string[] } {
  const q = req.query;
  const form: SearchForm = { q: param(q, 'q'), category: param(q, 'chuyen-muc'), type: param(q, 'loai'), from: param(q, 'tu'), to: param(q, 'den'), page: 1 };
  const problems: string[] = [];
  const trang = param(q, 'trang');
  if (trang) {
    if (/^[1-9]\d{0,5}$/.test(trang)) form.page = Number(trang);
    else problems.push('Số trang không hợp lệ.');
  }
  if (form.category && !/^[a-z0-9-]{1,120}$/.test(form.category)) problems.push('Chuyên mục không hợp lệ.');
  if (form.type && !(ARTICLE_TYPES as readonly string[]).includes(form.type)) problems.push('Loại tin không hợp lệ.');
  for (const [label, value] of [
    ['Từ ngày', form.from],
    ['Đến ngày', form.to],
  ] as const) {
    // A date must name a real day: 2024-02-31 would otherwise roll over to 2 March.
    if (value && (!DATE.test(value) || Number.isNaN(Date.parse(value)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)) problems.push(`${label} phải là một ngày hợp lệ (năm-tháng-ngày).`);
  }
  if (form.from && form.to && !problems.length && form.from > form.to) problems.push('“Từ ngày” phải trước hoặc bằng “Đến ngày”.');
  return { form, problems };
}

function pageLink(form: SearchForm, page: number): string {
  const p = new URLSearchParams();
  p.set('q', form.q);
  if (form.category) p.set('chuyen-muc', form.category);
  if (form.type) p.set('loai', form.type);
  if (form.from) p.set('tu', form.from);
  if (form.to) p.set('den', form.to);
  if (page > 1) p.set('trang', String(page));
  return `/tim-kiem?${p.toString()}`;
}

function Filters({ chrome, form }: { chrome: Chrome; form: SearchForm }): Html {
  return (
    <form class="search-form" action="/tim-kiem" method="get" role="search">
      <p>
        <label for="tu-khoa">Từ khóa</label>{' '}
        <input id="tu-khoa" name="q" type="search" value={form.q} maxlength={String(MAX_QUERY_LENGTH)} />{' '}
        <button class="btn" type="submit">
          Tìm
        </button>
      </p>
      <p>
        <label for="chuyen-muc">Chuyên mục</label>{' '}
        <select id="chuyen-muc" name="chuyen-muc">
          <option value="">Tất cả</option>
          {chrome.categories.map((c) => (
            <>
              <option value={c.slug} selected={form.category === c.slug}>
                {c.name}
              </option>
              {c.children.map((k) => (
                <option value={k.slug} selected={form.category === k.slug}>
                  {`— ${k.name}`}
                </option>
              ))}
            </>
          ))}
        </select>{' '}
        <label for="loai">Loại tin</label>{' '}
        <select id="loai" name="loai">
          <option value="">Tất cả</option>
          {ARTICLE_TYPES.map((t) => (
            <option value={t} selected={form.type === t}>
              {ARTICLE_TYPE_LABELS[t].name}
            </option>
          ))}
        </select>{' '}
        <label for="tu">Từ ngày</label> <input id="tu" name="tu" type="date" value={form.from} /> <label for="den">Đến ngày</label>{' '}
        <input id="den" name="den" type="date" value={form.to} />
      </p>
    </form>
  );
}

function Results({ chrome, form, result }: { chrome: Chrome; form: SearchForm; result: SearchResult }): Html {
  const off = chrome.settings.utcOffsetMinutes;
  const count = result.totalCapped ? `Hơn ${result.total.toLocaleString('vi-VN')} kết quả` : `${result.total.toLocaleString('vi-VN')} kết quả`;
  return (
    <>
      <p role="status">
        {count} cho “{result.query.text}”{result.pages > 1 ? ` · Trang ${result.page}/${result.pages}` : ''}
      </p>
      <ol class="results">
        {result.hits.map((hit) => {
          const a = hit.article;
          const label = ARTICLE_TYPE_LABELS[a.type as ArticleType]?.titleLabel;
          return (
            <li>
              <h2>
                <a href={hit.path}>
                  {label ? `[${label}] ` : ''}
                  {raw(hit.titleHtml)}
                </a>
              </h2>
              {a.published_at ? <time datetime={isoWithOffset(a.published_at, off)}>{formatDateVi(a.published_at, off)}</time> : null}
              <p>{raw(hit.snippetHtml)}</p>
            </li>
          );
        })}
      </ol>
      {result.pages > 1 ? (
        <nav aria-label="Phân trang">
          <ul class="pager">
            {result.page > 1 ? (
              <li>
                <a href={pageLink(form, result.page - 1)} rel="prev">
                  Trang trước
                </a>
              </li>
            ) : null}
            {Array.from({ length: result.pages }, (_, i) => i + 1)
              .filter((p) => Math.abs(p - result.page) <= 3)
              .map((p) => (
                <li>{p === result.page ? <span aria-current="page">{p}</span> : <a href={pageLink(form, p)}>{p}</a>}</li>
              ))}
            {result.page < result.pages ? (
              <li>
                <a href={pageLink(form, result.page + 1)} rel="next">
                  Trang sau
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </>
  );
}

async function Latest({ ctx, chrome }: { ctx: AppContext; chrome: Chrome }): Promise<Html> {
  const items = await listPublished(ctx.store.db, { limit: 6 });
  if (items.length === 0) return raw('');
  const media = await getMediaByIds(ctx.store.db, items.map((i) => i.cover_media_id).filter((x): x is number => x !== null));
  return (
    <section class="block" aria-labelledby="tin-moi-nhat">
      <h2 id="tin-moi-nhat">Tin mới nhất</h2>
      <Cards chrome={chrome} listing={{ items, media }} compact />
    </section>
  );
}

export async function renderSearchPage(ctx: AppContext, req: FastifyRequest): Promise<RenderedPage> {
  const chrome = await chromeFor(ctx);
  const { form, problems } = readForm(req);
  const title = form.q.trim() ? `Tìm kiếm: ${form.q.trim().slice(0, 80)}` : 'Tìm kiếm';
  const done = (status: number, body: Html): RenderedPage => ({
    status,
    html: renderDocument(
      <Layout chrome={chrome} meta={{ title: `${title} | ${chrome.settings.name}`, path: '/tim-kiem', noindex: true }}>
        <h1>Tìm kiếm</h1>
        <Filters chrome={chrome} form={form} />
        {body}
      </Layout>,
    ),
    keys: [keys.settings, keys.taxonomy],
  });

  if (problems.length) return done(400, <div class="notice">{problems.join(' ')}</div>);
  if (!form.q.trim()) return done(200, <p class="notice">Nhập từ khóa để tìm tin bài. Có thể gõ có dấu hoặc không dấu, ví dụ: “lao cai” hay “Lào Cai”.</p>);
  let result: SearchResult;
  try {
    const categoryIds = form.category ? chrome.categories.flatMap((c) => (c.slug === form.category ? [c.id, ...c.children.map((k) => k.id)] : c.children.filter((k) => k.slug === form.category).map((k) => k.id))) : undefined;
    if (categoryIds && categoryIds.length === 0) return done(400, <div class="notice">Chuyên mục “{form.category}” không tồn tại. Hãy chọn chuyên mục trong danh sách.</div>);
    result = await searchArticles(ctx.store.db, form.q, { categoryIds, type: form.type || undefined, from: form.from || undefined, to: form.to || undefined, page: form.page });
  } catch (err) {
    if (err instanceof QueryTooLongError) return done(400, <div class="notice">Từ khóa quá dài: bạn đã nhập {err.length} ký tự, tối đa {MAX_QUERY_LENGTH} ký tự. Vui lòng rút gọn từ khóa.</div>);
    throw err;
  }
  if (result.hits.length === 0 && result.total > 0) {
    // Results exist, only not on this page (an old link, a page number typed by hand).
    return done(
      404,
      <p class="notice" role="status">
        Trang {form.page} vượt quá số trang kết quả ({result.pages}). <a href={pageLink(form, 1)}>Xem trang đầu</a>.
      </p>,
    );
  }
  if (result.hits.length === 0) {
    return done(
      200,
      <>
        <p class="notice" role="status">
          Không tìm thấy tin bài nào phù hợp với “{result.query.text}”. Bạn thử bớt từ khóa, bỏ bộ lọc hoặc gõ không dấu.
        </p>
        {await Latest({ ctx, chrome })}
      </>,
    );
  }
  return { ...done(200, <Results chrome={chrome} form={form} result={result} />), keys: [keys.settings, keys.taxonomy, ...result.hits.map((h) => keys.article(h.article.id))] };
}
