import { h, Fragment, type Html, raw, escapeHtml } from '../jsx.ts';
import type { AudioAttrs, Block, Doc, FigureAttrs, Inline, Mark } from '../../domain/document.ts';
import { mediaUrl } from '../../media/urls.ts';
import type { MediaRow } from '../../storage/schema.ts';
import { Picture } from './picture.tsx';

/** How wide body images are drawn: the story column is at most 760 px, with 16 px margins on phones. */
const FIGURE_SIZES = '(min-width: 792px) 760px, calc(100vw - 32px)';
const GALLERY_SIZES = '(min-width: 792px) 376px, calc(100vw - 32px)';
/** Wide stories (photo, infographic, e-magazine): images up to 960 px. */
const WIDE_FIGURE_SIZES = '(min-width: 992px) 960px, calc(100vw - 32px)';
const WIDE_GALLERY_SIZES = '(min-width: 992px) 476px, calc(100vw - 32px)';

/** Renders a stored body document to HTML. Every string is escaped by the JSX runtime. */
/** `leadShown`: the page already shows a lead image above the body (an e-magazine's cover), which loads first. */
export function renderDoc(doc: Doc, media: Map<number, MediaRow>, opts: { wide?: boolean; leadShown?: boolean } = {}): Html {
  const figureSizes = opts.wide ? WIDE_FIGURE_SIZES : FIGURE_SIZES;
  const gallerySizes = opts.wide ? WIDE_GALLERY_SIZES : GALLERY_SIZES;
  let figureIndex = opts.leadShown ? 1 : 0;
  const figure = (a: FigureAttrs, inGallery = false): Html => {
    const m = a.mediaId ? media.get(a.mediaId) : undefined;
    const width = m?.width ?? a.width ?? 1200;
    const height = m?.height ?? a.height ?? 800;
    const caption = a.caption || m?.caption || '';
    const credit = a.credit || m?.credit || '';
    const alt = a.alt || m?.alt || caption;
    // The first image is usually in the first screen and the page's largest paint: load it first.
    const lead = figureIndex++ === 0;
    return (
      <figure class="figure">
        <Picture media={m} alt={alt} width={width} height={height} sizes={inGallery ? gallerySizes : figureSizes} priority={lead} />
        {caption || credit ? (
          <figcaption>
            {caption}
            {credit ? <span class="credit"> {credit}</span> : null}
          </figcaption>
        ) : null}
      </figure>
    );
  };
  const audio = (a: AudioAttrs): Html => {
    const m = media.get(a.mediaId);
    const caption = a.caption || m?.caption || '';
    const credit = a.credit || m?.credit || '';
    // A file gone from the library (or a row that is not audio) gets no player that could only fail: the caption says so.
    const src = m?.storage_key && m.mime.startsWith('audio/') ? mediaUrl(m.storage_key) : null;
    const parts: Array<Html | string> = [a.title, caption].filter(Boolean);
    if (credit) parts.push(<span class="credit">{credit}</span>);
    return (
      <figure class="audio">
        {src ? <audio controls preload="none" src={src} aria-label={a.title || caption || 'Bản ghi âm thanh'}></audio> : null}
        {parts.length || !src ? (
          <figcaption>
            {parts.map((p, i) => (i ? <> · {p}</> : p))}
            {src ? null : <span class="na">{parts.length ? ' ' : ''}(Bản ghi âm thanh này hiện không nghe được.)</span>}
          </figcaption>
        ) : null}
      </figure>
    );
  };
  const blocks = (list: Block[]): Html => <>{list.map(block)}</>;
  const block = (b: Block): Html => {
    switch (b.type) {
      case 'paragraph':
        return <p>{inlines(b.content)}</p>;
      case 'heading':
        return h(`h${b.attrs.level}`, null, inlines(b.content));
      case 'blockquote':
        return <blockquote>{blocks(b.content)}</blockquote>;
      case 'bulletList':
        return <ul>{b.content.map((li) => <li>{blocks(li.content)}</li>)}</ul>;
      case 'orderedList':
        return <ol start={typeof b.attrs?.start === 'number' && b.attrs.start !== 1 ? b.attrs.start : undefined}>{b.content.map((li) => <li>{blocks(li.content)}</li>)}</ol>;
      case 'figure':
        return figure(b.attrs);
      case 'gallery':
        return <div class="gallery">{b.content.map((f) => figure(f.attrs, true))}</div>;
      case 'audio':
        return audio(b.attrs);
      case 'embed': {
        const video = b.attrs.provider === 'youtube' || b.attrs.provider === 'other' ? youtubeVideo(b.attrs.url) : null;
        if (video) return <YouTubePlayer video={video} url={b.attrs.url} title={b.attrs.title} />;
        return (
          <p class="embed">
            <a href={b.attrs.url} rel="noopener">
              {b.attrs.title || `Xem nội dung trên ${b.attrs.provider === 'other' ? 'trang gốc' : providerName(b.attrs.provider)}`}
            </a>
          </p>
        );
      }
      case 'box':
        return <aside class="box">{blocks(b.content)}</aside>;
      case 'horizontalRule':
        return <hr />;
    }
  };
  return blocks(doc.content);
}

/** A YouTube video and its start second, from the addresses editors paste (watch, youtu.be, shorts, embed, live). */
export function youtubeVideo(url: string): { id: string; start: number } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:') return null;
  const host = u.hostname.toLowerCase().replace(/^(www|m|music)\./, '');
  let id: string | null = null;
  if (host === 'youtu.be') id = u.pathname.split('/')[1] ?? null;
  else if (host === 'youtube.com' || host === 'youtube-nocookie.com') id = u.pathname === '/watch' ? u.searchParams.get('v') : (/^\/(?:embed|shorts|live|v)\/([^/]+)/.exec(u.pathname)?.[1] ?? null);
  if (!id || !/^[A-Za-z0-9_-]{11}$/.test(id)) return null;
  return { id, start: startSeconds(u.searchParams.get('t') ?? u.searchParams.get('start') ?? '') };
}

/** `90`, `90s`, `1m30s`, `1h2m3s` as seconds; anything else 0. */
function startSeconds(t: string): number {
  if (/^\d{1,6}$/.test(t)) return Number(t);
  const m = /^(?:(\d{1,3})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s)?$/.exec(t);
  if (!m || !t) return 0;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/**
 * The stylesheet of the player's placeholder. The placeholder is an `srcdoc` document, which inherits the page's
 * Content-Security-Policy: its hash is listed in the policy's style-src (src/web/security.ts).
 */
export const VIDEO_FACADE_CSS =
  'html,body{margin:0;height:100%}a{box-sizing:border-box;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:12px;height:100%;padding:16px;background:#111827;color:#fff;font:700 1rem/1.4 system-ui,sans-serif;text-align:center;text-decoration:none}a:focus-visible{outline:3px solid #fff;outline-offset:-8px}.play{width:68px;height:48px;border-radius:12px;background:#c4302b;position:relative}.play::after{content:"";position:absolute;left:26px;top:14px;border-style:solid;border-width:10px 0 10px 18px;border-color:transparent transparent transparent #fff}';

/** Where the player goes when the reader asks for it: YouTube's no-cookie host, which the page's frame-src allows. */
export const VIDEO_FRAME_ORIGIN = 'https://www.youtube-nocookie.com';

/**
 * A YouTube video as a placeholder in an iframe: nothing is fetched from YouTube (no cookies, no third-party
 * script, no reader address sent) until the reader presses play, which loads the player in the same frame. It works
 * with JavaScript off on our page: the placeholder is a plain link inside the frame. No `sandbox`: the player needs
 * scripts and its own origin, and it cannot reach our page across origins anyway; the placeholder runs no script (the
 * page's policy, which it inherits, allows none).
 */
function YouTubePlayer({ video, url, title }: { video: { id: string; start: number }; url: string; title?: string }): Html {
  const label = title || 'Video';
  const player = `${VIDEO_FRAME_ORIGIN}/embed/${video.id}?autoplay=1${video.start ? `&start=${video.start}` : ''}`;
  const facade = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>${VIDEO_FACADE_CSS}</style></head><body><a href="${escapeHtml(player)}"><span class="play" aria-hidden="true"></span><span>Phát video: ${escapeHtml(label)}</span></a></body></html>`;
  return (
    <figure class="video">
      <iframe title={`Video: ${label}`} srcdoc={facade} width="760" height="428" allow="autoplay; encrypted-media; picture-in-picture; fullscreen" referrerpolicy="strict-origin-when-cross-origin"></iframe>
      <figcaption>
        {title ? <>{title} · </> : null}
        <a href={url} rel="noopener">
          Xem trên YouTube
        </a>
      </figcaption>
    </figure>
  );
}

function providerName(p: string): string {
  return ({ youtube: 'YouTube', facebook: 'Facebook', tiktok: 'TikTok', x: 'X' } as Record<string, string>)[p] ?? p;
}

function inlines(content: Inline[] | undefined): Html {
  if (!content) return raw('');
  return <>{content.map((n) => (n.type === 'hardBreak' ? <br /> : withMarks(n.text, n.marks ?? [])))}</>;
}

const MARK_TAGS: Record<Exclude<Mark['type'], 'link'>, string> = { bold: 'strong', italic: 'em', underline: 'u', strike: 's', subscript: 'sub', superscript: 'sup', code: 'code' };

function withMarks(text: string, marks: Mark[]): Html | string {
  let out: Html | string = text;
  for (const m of marks) {
    if (m.type === 'link') {
      const external = /^https?:/i.test(m.attrs.href);
      out = <a href={m.attrs.href} rel={external ? 'noopener' : undefined}>{out}</a>;
    } else out = h(MARK_TAGS[m.type], null, out);
  }
  return out;
}
