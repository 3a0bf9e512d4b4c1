import { z } from 'zod';
import { nfc } from './vietnamese.ts';

/**
 * The article body: a ProseMirror/TipTap-compatible JSON document. Nothing here is HTML;
 * src/web/site/document-html.ts renders it, escaping every string, so no stored markup reaches a page.
 */

const SAFE_HREF = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;
// Browsers read "\\" as "/" and drop tabs and line breaks, so "/\\evil.example" would leave the site.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const HREF_TRICKS = /[\\\u0000-\u001f\u007f]/;

export const MarkSchema = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['bold', 'italic', 'underline', 'strike', 'subscript', 'superscript', 'code']) }).strict(),
  // Only href is kept: the editor's other link attributes (target, rel, class) are not rendered, and whatever else a
  // client sends is dropped rather than stored.
  z.object({ type: z.literal('link'), attrs: z.object({ href: z.string().max(2048).regex(SAFE_HREF, 'liên kết phải là http(s), mailto hoặc đường dẫn nội bộ').refine((href) => !HREF_TRICKS.test(href), 'liên kết không được chứa dấu \\ hay ký tự điều khiển') }).strip() }).strict(),
]);
export type Mark = z.infer<typeof MarkSchema>;

export const InlineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(100_000), marks: z.array(MarkSchema).max(10).optional() }).strict(),
  z.object({ type: z.literal('hardBreak') }).strict(),
]);
export type Inline = z.infer<typeof InlineSchema>;

export const FigureAttrsSchema = z
  .object({
    mediaId: z.number().int().positive().max(2 ** 31 - 1).nullable().default(null),
    /** File name kept when the image itself is not in the library (imported placeholder). */
    fileName: z.string().max(500).default(''),
    width: z.number().int().positive().max(20_000).nullable().default(null),
    height: z.number().int().positive().max(20_000).nullable().default(null),
    alt: z.string().max(1000).default(''),
    caption: z.string().max(5000).default(''),
    credit: z.string().max(500).default(''),
  })
  .strict();
export type FigureAttrs = z.infer<typeof FigureAttrsSchema>;

/** A sound recording from the library (audio news, podcast): the player and its caption. */
export const AudioAttrsSchema = z
  .object({
    mediaId: z.number().int().positive().max(2 ** 31 - 1),
    title: z.string().max(500).default(''),
    caption: z.string().max(5000).default(''),
    credit: z.string().max(500).default(''),
  })
  .strict();
export type AudioAttrs = z.infer<typeof AudioAttrsSchema>;

const EMBED_PROVIDERS = ['youtube', 'facebook', 'tiktok', 'x', 'other'] as const;

export type Block =
  | { type: 'paragraph'; content?: Inline[] }
  | { type: 'heading'; attrs: { level: 2 | 3 | 4 }; content?: Inline[] }
  | { type: 'blockquote'; content: Block[] }
  | { type: 'bulletList'; content: ListItem[] }
  | { type: 'orderedList'; attrs?: { start?: number }; content: ListItem[] }
  | { type: 'figure'; attrs: FigureAttrs }
  | { type: 'gallery'; content: Array<{ type: 'figure'; attrs: FigureAttrs }> }
  | { type: 'audio'; attrs: AudioAttrs }
  | { type: 'embed'; attrs: { provider: (typeof EMBED_PROVIDERS)[number]; url: string; title?: string } }
  | { type: 'box'; content: Block[] }
  | { type: 'horizontalRule' };
export interface ListItem {
  type: 'listItem';
  content: Block[];
}

const FigureSchema = z.object({ type: z.literal('figure'), attrs: FigureAttrsSchema }).strict();

export const BlockSchema: z.ZodType<Block> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('paragraph'), content: z.array(InlineSchema).max(5000).optional() }).strict(),
    z.object({ type: z.literal('heading'), attrs: z.object({ level: z.union([z.literal(2), z.literal(3), z.literal(4)]) }).strict(), content: z.array(InlineSchema).max(500).optional() }).strict(),
    z.object({ type: z.literal('blockquote'), content: z.array(BlockSchema).max(500) }).strict(),
    z.object({ type: z.literal('bulletList'), content: z.array(ListItemSchema).max(1000) }).strict(),
    z.object({ type: z.literal('orderedList'), attrs: z.object({ start: z.number().int().min(0).max(100_000).optional() }).strict().optional(), content: z.array(ListItemSchema).max(1000) }).strict(),
    FigureSchema,
    z.object({ type: z.literal('gallery'), content: z.array(FigureSchema).min(1).max(200) }).strict(),
    z.object({ type: z.literal('audio'), attrs: AudioAttrsSchema }).strict(),
    z.object({ type: z.literal('embed'), attrs: z.object({ provider: z.enum(EMBED_PROVIDERS), url: z.string().url().max(2048).regex(/^https:\/\//), title: z.string().max(500).optional() }).strict() }).strict(),
    z.object({ type: z.literal('box'), content: z.array(BlockSchema).max(500) }).strict(),
    z.object({ type: z.literal('horizontalRule') }).strict(),
  ]),
) as z.ZodType<Block>;

const ListItemSchema: z.ZodType<ListItem> = z.lazy(() => z.object({ type: z.literal('listItem'), content: z.array(BlockSchema).max(200) }).strict());

export const DocSchema = z.object({ type: z.literal('doc'), content: z.array(BlockSchema).max(20_000) }).strict();
export type Doc = z.infer<typeof DocSchema>;

/** Validates a body and normalizes every string in it to NFC. Throws a ZodError on bad input. */
export function parseDoc(input: unknown): Doc {
  return normalizeStrings(DocSchema.parse(input));
}

function normalizeStrings<T>(value: T): T {
  if (typeof value === 'string') return nfc(value) as T;
  if (Array.isArray(value)) return value.map(normalizeStrings) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeStrings(v);
    return out as T;
  }
  return value;
}

export const emptyDoc = (): Doc => ({ type: 'doc', content: [] });

export function paragraph(text: string): Block {
  return text ? { type: 'paragraph', content: [{ type: 'text', text }] } : { type: 'paragraph' };
}

export function inlineText(content: Inline[] | undefined): string {
  return (content ?? []).map((n) => (n.type === 'text' ? n.text : '\n')).join('');
}

/** Text of the document in reading order: paragraphs, headings, list items, captions and audio titles. */
export function blockTexts(doc: Doc): string[] {
  const out: string[] = [];
  const walk = (blocks: Block[]) => {
    for (const b of blocks) {
      switch (b.type) {
        case 'paragraph':
        case 'heading':
          out.push(inlineText(b.content));
          break;
        case 'blockquote':
        case 'box':
          walk(b.content);
          break;
        case 'bulletList':
        case 'orderedList':
          for (const li of b.content) walk(li.content);
          break;
        case 'figure':
          if (b.attrs.caption) out.push(b.attrs.caption);
          break;
        case 'gallery':
          for (const f of b.content) if (f.attrs.caption) out.push(f.attrs.caption);
          break;
        case 'audio':
          if (b.attrs.title) out.push(b.attrs.title);
          if (b.attrs.caption) out.push(b.attrs.caption);
          break;
        case 'embed':
        case 'horizontalRule':
          break;
      }
    }
  };
  walk(doc.content);
  return out.filter((t) => t.trim() !== '');
}

export function plainText(doc: Doc): string {
  return blockTexts(doc).join('\n');
}

export function figures(doc: Doc): FigureAttrs[] {
  const out: FigureAttrs[] = [];
  const walk = (blocks: Block[]) => {
    for (const b of blocks) {
      if (b.type === 'figure') out.push(b.attrs);
      else if (b.type === 'gallery') out.push(...b.content.map((f) => f.attrs));
      else if (b.type === 'blockquote' || b.type === 'box') walk(b.content);
      else if (b.type === 'bulletList' || b.type === 'orderedList') for (const li of b.content) walk(li.content);
    }
  };
  walk(doc.content);
  return out;
}

/** The audio blocks of the document, in reading order (inside boxes, quotes and lists too). */
export function audios(doc: Doc): AudioAttrs[] {
  const out: AudioAttrs[] = [];
  const walk = (blocks: Block[]) => {
    for (const b of blocks) {
      if (b.type === 'audio') out.push(b.attrs);
      else if (b.type === 'blockquote' || b.type === 'box') walk(b.content);
      else if (b.type === 'bulletList' || b.type === 'orderedList') for (const li of b.content) walk(li.content);
    }
  };
  walk(doc.content);
  return out;
}

export function wordCount(doc: Doc): number {
  return plainText(doc).split(/\s+/).filter(Boolean).length;
}
