import { detectLegacyEncoding, encodingOfFont, toUnicode, type LegacyEncoding } from './legacy-encoding.ts';

/**
 * Cleans HTML pasted from Word, Google Docs or a web page down to what a story body can hold:
 * paragraphs, headings, bold, italic, links, lists and quotes. Everything else (styles, classes,
 * images, tables' layout, Word's conditional comments and fake list bullets) is dropped; text that
 * was typed in a legacy Vietnamese font (TCVN3, VNI) is converted to Unicode. A pure string
 * function, so it is the same in the browser and in tests; the editor's schema parses the result.
 */

export interface CleanResult {
  html: string;
  /** Legacy encoding found and converted, for the notice shown to the writer. */
  converted: LegacyEncoding | null;
}

const DROP_WITH_CONTENT = new Set(['style', 'script', 'xml', 'head', 'title', 'meta', 'link', 'noscript', 'template', 'iframe', 'object', 'svg', 'math', 'button', 'select', 'textarea', 'canvas', 'video', 'audio']);
const VOID = new Set(['br', 'img', 'hr', 'meta', 'link', 'input', 'wbr', 'col', 'area', 'base', 'source', 'embed', 'param', 'track']);
/** Text blocks, mapped to what the editor has (one heading level less: the story title is the h1). */
const BLOCKS: Record<string, string> = { p: 'p', pre: 'p', address: 'p', h1: 'h2', h2: 'h2', h3: 'h3', h4: 'h4', h5: 'h4', h6: 'h4' };
/** Containers: boundaries between paragraphs, written as nothing themselves. */
const CONTAINERS = new Set(['div', 'section', 'article', 'header', 'footer', 'aside', 'main', 'nav', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'dl', 'dd', 'dt', 'figure', 'figcaption', 'center', 'form', 'fieldset', 'body', 'html']);
const STRUCTURE = new Set(['ul', 'ol', 'li', 'blockquote']);
const INLINE_MARK: Record<string, 'strong' | 'em'> = { b: 'strong', strong: 'strong', i: 'em', em: 'em', cite: 'em', dfn: 'em' };

const NAMED: Record<string, string> = { nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', middot: '·', shy: '\u00ad' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,10});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

function parseAttrs(src: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return attrs;
}

function styleOf(attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const decl of (attrs.style ?? '').split(';')) {
    const i = decl.indexOf(':');
    if (i > 0) out[decl.slice(0, i).trim().toLowerCase()] = decl.slice(i + 1).trim();
  }
  return out;
}

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

type Token = { kind: 'text'; text: string } | { kind: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean } | { kind: 'close'; name: string } | { kind: 'skip-start' } | { kind: 'skip-end' };

function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      tokens.push({ kind: 'text', text: html.slice(i) });
      break;
    }
    if (lt > i) tokens.push({ kind: 'text', text: html.slice(i, lt) });
    if (html.startsWith('<!--', lt)) {
      // Word wraps its fake list bullets in <!--[if !supportLists]-->…<!--[endif]--> in some versions.
      const end = html.indexOf('-->', lt + 4);
      const body = html.slice(lt + 4, end < 0 ? html.length : end);
      if (/^\[if !supportLists\]/i.test(body)) tokens.push({ kind: 'skip-start' });
      else if (/^\[endif\]/i.test(body)) tokens.push({ kind: 'skip-end' });
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith('<![', lt)) {
      // Downlevel-revealed conditionals: <![if !supportLists]> … <![endif]>
      const end = html.indexOf('>', lt);
      const body = html.slice(lt + 3, end < 0 ? html.length : end);
      if (/^if !supportLists/i.test(body)) tokens.push({ kind: 'skip-start' });
      else if (/^endif/i.test(body)) tokens.push({ kind: 'skip-end' });
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const m = /^<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)([^>]*?)(\/?)\s*>/.exec(html.slice(lt, lt + 10_000));
    if (!m) {
      // A lone "<" or a doctype/processing instruction.
      const end = html.indexOf('>', lt);
      if (/^<[!?]/.test(html.slice(lt, lt + 2)) && end > 0) i = end + 1;
      else {
        tokens.push({ kind: 'text', text: '<' });
        i = lt + 1;
      }
      continue;
    }
    const name = m[2]!.toLowerCase();
    if (m[1]) tokens.push({ kind: 'close', name });
    else {
      tokens.push({ kind: 'open', name, attrs: parseAttrs(m[3]!), selfClosing: !!m[4] || VOID.has(name) });
      if (DROP_WITH_CONTENT.has(name) && !m[4] && !VOID.has(name)) {
        const close = new RegExp(`<\\s*/\\s*${name.replace(/[-:]/g, '\\$&')}\\s*>`, 'i').exec(html.slice(lt + m[0].length));
        i = close ? lt + m[0].length + close.index + close[0].length : html.length;
        tokens.pop();
        continue;
      }
    }
    i = lt + m[0].length;
  }
  return tokens;
}

interface Frame {
  name: string;
  /** What was written for this element ('' when unwrapped). */
  out: string;
  font: { encoding: LegacyEncoding; upperCase: boolean } | null;
  marks: Array<'strong' | 'em'>;
}

/** Word marks list paragraphs with a style, not with <li>: "mso-list:l0 level1 lfo1". */
function wordListInfo(attrs: Record<string, string>): { id: string; level: number } | null {
  const m = /mso-list:\s*(l\d+)\s+level(\d+)/i.exec(attrs.style ?? '');
  return m ? { id: m[1]!, level: Number(m[2]) } : null;
}

export function cleanPastedHtml(html: string): CleanResult {
  const tokens = tokenize(html);
  const stack: Frame[] = [];
  const parts: Array<{ html: string } | { text: string; font: Frame['font'] }> = [];
  let skipDepth = 0;
  let wordList: { id: string; ordered: boolean } | null = null;
  let usedFont: LegacyEncoding | null = null;

  const currentFont = () => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k]!.font) return stack[k]!.font;
    return null;
  };
  const activeMarks = () => new Set(stack.flatMap((f) => f.marks));
  const emit = (s: string) => parts.push({ html: s });
  // Text outside any text block (in a div, a table cell, a quote) gets a paragraph of its own.
  let implicitParagraph = false;
  const inTextBlock = () => implicitParagraph || stack.some((f) => f.name === 'li' || /^<\/(p|h[234])>|^<\/p><\/li>$/.test(f.out));
  const ensureTextBlock = () => {
    if (!inTextBlock()) {
      emit('<p>');
      implicitParagraph = true;
    }
  };
  const blockBoundary = () => {
    if (implicitParagraph) {
      emit('</p>');
      implicitParagraph = false;
    }
  };
  const closeWordList = () => {
    if (wordList) {
      emit(wordList.ordered ? '</ol>' : '</ul>');
      wordList = null;
    }
  };

  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok.kind === 'skip-start') {
      skipDepth++;
      continue;
    }
    if (tok.kind === 'skip-end') {
      if (skipDepth > 0) skipDepth--;
      continue;
    }
    if (skipDepth > 0) continue;
    if (tok.kind === 'text') {
      const text = decodeEntities(tok.text);
      if (!text || (!inTextBlock() && !/[^\s\u00a0]/.test(text))) continue;
      ensureTextBlock();
      parts.push({ text, font: currentFont() });
      continue;
    }
    if (tok.kind === 'open') {
      const { name, attrs } = tok;
      const style = styleOf(attrs);
      const fontHint = style['font-family'] ? encodingOfFont(style['font-family']) : attrs.face ? encodingOfFont(attrs.face) : null;
      if (fontHint) usedFont ??= fontHint.encoding;
      if (name === 'br') {
        if (inTextBlock()) emit('<br>');
        continue;
      }
      if (tok.selfClosing) continue;
      const frame: Frame = { name, out: '', font: fontHint, marks: [] };
      const block = BLOCKS[name];
      const list = name === 'p' ? wordListInfo(attrs) : null;
      const blockLevel = !!list || !!block || STRUCTURE.has(name) || CONTAINERS.has(name);
      if (blockLevel) blockBoundary();
      if (list) {
        // Decide the list kind from the bullet Word renders before the text ("1." or "·").
        let lookahead = '';
        let depth = 0;
        for (let k = t + 1; k < tokens.length && k < t + 40; k++) {
          const x = tokens[k]!;
          if (x.kind === 'skip-start') depth++;
          else if (x.kind === 'skip-end') {
            if (--depth <= 0) break;
          } else if (depth > 0 && x.kind === 'text') lookahead += decodeEntities(x.text);
        }
        const ordered = /^\s*(\d+|[a-z]|[ivxlc]+)[.)]/i.test(lookahead);
        if (!wordList || wordList.id !== list.id) {
          closeWordList();
          wordList = { id: list.id, ordered };
          emit(ordered ? '<ol>' : '<ul>');
        }
        emit('<li><p>');
        frame.out = '</p></li>';
      } else if (block) {
        closeWordList();
        emit(`<${block}>`);
        frame.out = `</${block}>`;
      } else if (CONTAINERS.has(name)) {
        closeWordList();
      } else if (STRUCTURE.has(name)) {
        closeWordList();
        emit(`<${name}>`);
        frame.out = `</${name}>`;
      } else if (name === 'a') {
        ensureTextBlock();
        const href = (attrs.href ?? '').trim();
        if (SAFE_HREF.test(href)) {
          emit(`<a href="${escapeAttr(href)}">`);
          frame.out = '</a>';
        }
      } else {
        // Bold and italic by tag or by style, except Google Docs' <b style="font-weight:normal"> wrapper.
        const weight = style['font-weight'];
        const marks = activeMarks();
        const bold = weight ? /^(bold|bolder|[6-9]00)$/i.test(weight) : INLINE_MARK[name] === 'strong';
        const italic = style['font-style'] ? /italic|oblique/i.test(style['font-style']) : INLINE_MARK[name] === 'em';
        if (bold && !marks.has('strong')) frame.marks.push('strong');
        if (italic && !marks.has('em')) frame.marks.push('em');
        if (frame.marks.length) {
          ensureTextBlock();
          emit(frame.marks.map((mk) => `<${mk}>`).join(''));
          frame.out = [...frame.marks].reverse().map((mk) => `</${mk}>`).join('');
        }
      }
      stack.push(frame);
      continue;
    }
    // close tag: pop to the matching element, closing what was left open inside it.
    const at = stack.map((f) => f.name).lastIndexOf(tok.name);
    if (at < 0) continue;
    while (stack.length > at) {
      const frame = stack.pop()!;
      const blockLevel = frame.name in BLOCKS || STRUCTURE.has(frame.name) || CONTAINERS.has(frame.name) || frame.out === '</p></li>';
      if (blockLevel) blockBoundary();
      if (frame.out) emit(frame.out);
    }
  }
  while (stack.length) {
    const frame = stack.pop()!;
    if (frame.out) emit(frame.out);
  }
  blockBoundary();
  closeWordList();

  // Text without a legacy font is converted too when, taken together, it clearly reads as TCVN3 or VNI.
  const plain = parts.filter((p): p is { text: string; font: null } => 'text' in p && !p.font).map((p) => p.text).join(' ');
  const detected = detectLegacyEncoding(plain);
  let converted: LegacyEncoding | null = usedFont && parts.some((p) => 'text' in p && p.font) ? usedFont : null;
  let out = '';
  for (const p of parts) {
    if ('html' in p) {
      out += p.html;
      continue;
    }
    let text = p.text;
    if (p.font) text = toUnicode(text, p.font.encoding, { upperCase: p.font.upperCase });
    else if (detected) {
      text = toUnicode(text, detected.encoding);
      converted ??= detected.encoding;
    }
    out += escapeText(text.normalize('NFC'));
  }
  out = out
    .replace(/<(strong|em)><\/\1>/g, '')
    .replace(/<a href="[^"]*"><\/a>/g, '')
    .replace(/<(p|h[234])>(\s|&nbsp;|\u00a0|<br>)*<\/\1>/g, '');
  return { html: out, converted };
}

/** Plain-text paste: legacy encodings are converted; the editor turns lines into paragraphs. */
export function cleanPastedText(text: string): { text: string; converted: LegacyEncoding | null } {
  const detected = detectLegacyEncoding(text);
  return detected ? { text: toUnicode(text, detected.encoding), converted: detected.encoding } : { text: text.normalize('NFC'), converted: null };
}
