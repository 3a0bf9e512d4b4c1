import type { ArticleType } from '../domain/article.ts';
import { paragraph, type Block } from '../domain/document.ts';
import { nfc } from '../domain/vietnamese.ts';

/**
 * Parser for article pages saved as text (the format of the seed pages):
 *   line 1: the title; then paragraphs separated by blank lines, the first being the sapo;
 *   an image file name alone on a line, followed by a line of text: a figure and its caption;
 *   then the page chrome ("Có thể bạn quan tâm", "Tin cùng chuyên mục" and its listing,
 *   the social line "fb yt zl tw"), which is recognized and left out.
 */

export const MAX_DOCUMENT_BYTES = 1024 * 1024;
export const MAX_TITLE_LENGTH = 500;

export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

export interface ParsedFigure {
  fileName: string;
  caption: string;
  line: number;
}

export interface ParsedArticle {
  title: string;
  type: ArticleType;
  sapo: string;
  /** Body blocks; figures carry their file name until media is resolved. */
  blocks: Array<{ kind: 'paragraph'; text: string } | ({ kind: 'figure' } & ParsedFigure)>;
  /** Normalized text, kept with its hash for provenance. */
  text: string;
  warnings: string[];
}

export const IMAGE_LINE = /^[^\s/\\]{1,200}\.(?:jpe?g|png|webp|gif)$/i;
const CHROME_HEADINGS = new Set(['Có thể bạn quan tâm', 'Tin cùng chuyên mục', 'Tin liên quan', 'Tin khác']);
// At least two names: a body line reading just "X" (a Roman numeral heading) is text, not the page's social links.
const SOCIAL_LINE = /^(?:fb|yt|zl|tw|x)(?:\s+(?:fb|yt|zl|tw|x))+$/i;
const TITLE_LABELS: Array<[RegExp, ArticleType]> = [
  [/^\[infographic\]\s*/i, 'infographic'],
  [/^\[video\]\s*/i, 'video'],
  [/^\[(?:ảnh|photo)\]\s*/i, 'photo'],
  [/^\[(?:audio|podcast)\]\s*/i, 'audio'],
  [/^\[e-?magazine\]\s*/i, 'emagazine'],
];

export function isChromeLine(line: string): boolean {
  return CHROME_HEADINGS.has(line) || SOCIAL_LINE.test(line);
}

/** Decodes bytes as UTF-8, refusing binary or mis-encoded files with the line where the problem is. */
export function decodeDocument(file: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw new ImportError(file, 1, 'tệp rỗng');
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new ImportError(file, 1, `tệp quá lớn (${bytes.length} byte, tối đa ${MAX_DOCUMENT_BYTES})`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new ImportError(file, lineAt(bytes, nul), 'tệp nhị phân (có byte NUL), không phải văn bản');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new ImportError(file, lineAt(bytes, firstInvalidUtf8(bytes)), 'tệp không phải UTF-8 hợp lệ');
  }
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest invalid prefix; a cut inside a valid multi-byte sequence also fails,
  // so step back to a character boundary before testing.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    let end = mid + 1;
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end++;
    try {
      decoder.decode(bytes.subarray(0, end));
      lo = end;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

export function parseArticleText(file: string, rawText: string): ParsedArticle {
  const text = nfc(rawText.replace(/\r\n?/g, '\n'));
  const lines = text.split('\n');
  const warnings: string[] = [];
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i >= lines.length) throw new ImportError(file, 1, 'tệp không có nội dung');
  let title = lines[i]!.trim();
  const titleLine = i + 1;
  if (IMAGE_LINE.test(title) || isChromeLine(title)) throw new ImportError(file, titleLine, 'dòng đầu tiên phải là tiêu đề bài viết');
  if (title.length > MAX_TITLE_LENGTH) throw new ImportError(file, titleLine, `tiêu đề quá dài (${title.length} ký tự, tối đa ${MAX_TITLE_LENGTH})`);
  let type: ArticleType = 'standard';
  for (const [re, t] of TITLE_LABELS) {
    if (re.test(title)) {
      type = t;
      title = title.replace(re, '').trim();
      break;
    }
  }
  if (!title) throw new ImportError(file, titleLine, 'thiếu tiêu đề');
  i++;

  let sapo = '';
  const blocks: ParsedArticle['blocks'] = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (isChromeLine(line)) break;
    if (IMAGE_LINE.test(line)) {
      const next = lines[i + 1]?.trim() ?? '';
      const hasCaption = next !== '' && !IMAGE_LINE.test(next) && !isChromeLine(next);
      if (!hasCaption) warnings.push(`${file}:${i + 1}: ảnh ${line} không có chú thích`);
      blocks.push({ kind: 'figure', fileName: line, caption: hasCaption ? next : '', line: i + 1 });
      if (hasCaption) i++;
      continue;
    }
    // The first paragraph is the sapo, even when a lead photo comes before it.
    if (!sapo && !blocks.some((b) => b.kind === 'paragraph')) sapo = line;
    else blocks.push({ kind: 'paragraph', text: line });
  }
  if (!sapo && blocks.length === 0) throw new ImportError(file, titleLine, 'bài viết không có sapo và nội dung');
  return { title, type, sapo, blocks, text, warnings };
}

/** Body document for parsed blocks, with figures resolved to media (or placeholders). */
export function toBody(parsed: ParsedArticle, media: Map<string, { id: number; width: number; height: number } | null>): Block[] {
  return parsed.blocks.map((b) => {
    if (b.kind === 'paragraph') return paragraph(b.text);
    const m = media.get(b.fileName) ?? null;
    return { type: 'figure', attrs: { mediaId: m?.id ?? null, fileName: b.fileName, width: m?.width ?? PLACEHOLDER_WIDTH, height: m?.height ?? PLACEHOLDER_HEIGHT, alt: b.caption, caption: b.caption, credit: '' } };
  });
}

export const PLACEHOLDER_WIDTH = 1200;
export const PLACEHOLDER_HEIGHT = 800;
