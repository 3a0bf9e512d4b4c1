import { h, Fragment, type Html, raw } from '../jsx.ts';
import type { Block, Doc, FigureAttrs, Inline, Mark } from '../../domain/document.ts';
import type { MediaRow } from '../../storage/schema.ts';
import { Picture } from './picture.tsx';

/** How wide body images are drawn: the story column is at most 760 px, with 16 px margins on phones. */
const FIGURE_SIZES = '(min-width: 792px) 760px, calc(100vw - 32px)';
const GALLERY_SIZES = '(min-width: 792px) 376px, calc(100vw - 32px)';

/** Renders a stored body document to HTML. Every string is escaped by the JSX runtime. */
export function renderDoc(doc: Doc, media: Map<number, MediaRow>): Html {
  let figureIndex = 0;
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
        <Picture media={m} alt={alt} width={width} height={height} sizes={inGallery ? GALLERY_SIZES : FIGURE_SIZES} priority={lead} />
        {caption || credit ? (
          <figcaption>
            {caption}
            {credit ? <span class="credit"> {credit}</span> : null}
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
      case 'embed':
        return (
          <p class="embed">
            <a href={b.attrs.url} rel="noopener">
              {b.attrs.title || `Xem nội dung trên ${b.attrs.provider === 'other' ? 'trang gốc' : providerName(b.attrs.provider)}`}
            </a>
          </p>
        );
      case 'box':
        return <aside class="box">{blocks(b.content)}</aside>;
      case 'horizontalRule':
        return <hr />;
    }
  };
  return blocks(doc.content);
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
