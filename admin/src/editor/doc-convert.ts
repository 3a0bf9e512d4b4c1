/**
 * The editor's JSON (TipTap) and the stored body (src/domain/document.ts) are nearly the same shape;
 * this makes them exactly the same: only the nodes, marks and attributes the body schema allows,
 * in its strict form (no null attributes, no empty arrays where content is optional).
 */

export interface PMNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: PMNode[];
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  text?: string;
}

type Json = Record<string, unknown>;

const SIMPLE_MARKS = new Set(['bold', 'italic', 'underline', 'strike', 'subscript', 'superscript', 'code']);
const SAFE_HREF = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;
// As the server (src/domain/document.ts): browsers read "\\" as "/" and drop tabs and line breaks.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const HREF_TRICKS = /[\\\u0000-\u001f\u007f]/;
export const EMBED_PROVIDERS = ['youtube', 'facebook', 'tiktok', 'x', 'other'] as const;
export type EmbedProvider = (typeof EMBED_PROVIDERS)[number];

export function providerOf(url: string): EmbedProvider | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:') return null;
  const host = u.hostname.replace(/^(www|m|mobile)\./, '');
  if (host === 'youtube.com' || host === 'youtu.be' || host === 'youtube-nocookie.com') return 'youtube';
  if (host === 'facebook.com' || host === 'fb.watch') return 'facebook';
  if (host === 'tiktok.com' || host.endsWith('.tiktok.com')) return 'tiktok';
  if (host === 'x.com' || host === 'twitter.com') return 'x';
  return 'other';
}

export function figureAttrs(a: Record<string, unknown> = {}): Json {
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : typeof v === 'string' && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return { mediaId: int(a.mediaId), fileName: str(a.fileName), width: int(a.width), height: int(a.height), alt: str(a.alt), caption: str(a.caption), credit: str(a.credit) };
}

/** An audio block's attributes as the body schema has them; null without a library file (the block is then dropped). */
export function audioAttrs(a: Record<string, unknown> = {}): Json | null {
  const id = typeof a.mediaId === 'number' && Number.isInteger(a.mediaId) && a.mediaId > 0 ? a.mediaId : typeof a.mediaId === 'string' && /^\d+$/.test(a.mediaId) && Number(a.mediaId) > 0 ? Number(a.mediaId) : null;
  if (id === null) return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return { mediaId: id, title: str(a.title), caption: str(a.caption), credit: str(a.credit) };
}

function marksOf(marks: PMNode['marks']): Json[] | undefined {
  const out: Json[] = [];
  for (const m of marks ?? []) {
    if (SIMPLE_MARKS.has(m.type)) out.push({ type: m.type });
    else if (m.type === 'link') {
      const href = typeof m.attrs?.href === 'string' ? m.attrs.href.trim() : '';
      if (SAFE_HREF.test(href) && !HREF_TRICKS.test(href)) out.push({ type: 'link', attrs: { href } });
    }
  }
  return out.length ? out : undefined;
}

function inline(nodes: PMNode[] | undefined): Json[] {
  const out: Json[] = [];
  for (const n of nodes ?? []) {
    if (n.type === 'text' && n.text) {
      const marks = marksOf(n.marks);
      out.push(marks ? { type: 'text', text: n.text, marks } : { type: 'text', text: n.text });
    } else if (n.type === 'hardBreak') out.push({ type: 'hardBreak' });
    else if (n.content) out.push(...inline(n.content));
  }
  return out;
}

function textBlock(type: 'paragraph', content: Json[]): Json {
  return content.length ? { type, content } : { type };
}

function blocks(nodes: PMNode[] | undefined): Json[] {
  const out: Json[] = [];
  for (const n of nodes ?? []) {
    switch (n.type) {
      case 'paragraph':
        out.push(textBlock('paragraph', inline(n.content)));
        break;
      case 'heading': {
        const level = Math.min(4, Math.max(2, Number(n.attrs?.level ?? 2)));
        const content = inline(n.content);
        out.push(content.length ? { type: 'heading', attrs: { level }, content } : { type: 'heading', attrs: { level } });
        break;
      }
      case 'blockquote':
      case 'box': {
        const content = blocks(n.content);
        out.push({ type: n.type, content: content.length ? content : [{ type: 'paragraph' }] });
        break;
      }
      case 'bulletList':
      case 'orderedList': {
        const items = (n.content ?? []).filter((li) => li.type === 'listItem').map((li) => {
          const content = blocks(li.content);
          return { type: 'listItem', content: content.length ? content : [{ type: 'paragraph' }] };
        });
        if (!items.length) break;
        const start = Number(n.attrs?.start ?? 1);
        out.push(n.type === 'orderedList' && Number.isInteger(start) && start !== 1 && start >= 0 ? { type: 'orderedList', attrs: { start }, content: items } : { type: n.type, content: items });
        break;
      }
      case 'figure':
        out.push({ type: 'figure', attrs: figureAttrs(n.attrs) });
        break;
      case 'gallery': {
        const figures = (n.content ?? []).filter((f) => f.type === 'figure').map((f) => ({ type: 'figure', attrs: figureAttrs(f.attrs) }));
        if (figures.length) out.push({ type: 'gallery', content: figures });
        break;
      }
      case 'audio': {
        const attrs = audioAttrs(n.attrs);
        if (attrs) out.push({ type: 'audio', attrs });
        break;
      }
      case 'embed': {
        const url = typeof n.attrs?.url === 'string' ? n.attrs.url : '';
        const provider = providerOf(url);
        if (!provider) break;
        const title = typeof n.attrs?.title === 'string' && n.attrs.title.trim() ? n.attrs.title.trim() : undefined;
        out.push({ type: 'embed', attrs: title ? { provider, url, title } : { provider, url } });
        break;
      }
      case 'horizontalRule':
        out.push({ type: 'horizontalRule' });
        break;
      default: {
        // Anything else (a code block from a paste) keeps its text as a paragraph.
        const content = inline(n.content);
        if (content.length) out.push({ type: 'paragraph', content });
      }
    }
  }
  return out;
}

/** The body to store, from the editor's getJSON(). Trailing empty paragraphs are dropped. */
export function editorToDoc(json: PMNode): { type: 'doc'; content: Json[] } {
  const content = blocks(json.content);
  while (content.length && content.at(-1)!.type === 'paragraph' && !('content' in content.at(-1)!)) content.pop();
  return { type: 'doc', content };
}

/** Words in the body, as a reader counts them (captions included). */
export function countWords(doc: { content: unknown[] }): number {
  let n = 0;
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    const node = v as PMNode;
    if (node.type === 'text' && node.text) n += node.text.split(/\s+/).filter(Boolean).length;
    if (node.type === 'figure' && typeof node.attrs?.caption === 'string') n += node.attrs.caption.split(/\s+/).filter(Boolean).length;
    // As the server counts them: an audio block's title and caption are words of the story.
    if (node.type === 'audio') for (const k of ['title', 'caption']) if (typeof node.attrs?.[k] === 'string') n += (node.attrs[k] as string).split(/\s+/).filter(Boolean).length;
    for (const c of node.content ?? []) walk(c);
  };
  for (const c of doc.content) walk(c);
  return n;
}
