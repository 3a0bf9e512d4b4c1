/**
 * A minimal JSX runtime that renders straight to HTML strings (classic `h` pragma).
 * Every string child and attribute value is escaped; only `Html` values (from templates or `raw`) pass through.
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Child = Html | string | number | bigint | boolean | null | undefined | Child[];
type Props = Record<string, unknown> & { children?: Child };
export type Component<P = Record<string, unknown>> = (props: P & { children?: Child }) => Html;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}

/** Marks a string as already-safe HTML. Use only for markup this codebase produced. */
export function raw(html: string): Html {
  return new Html(html);
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

function renderChild(child: Child): string {
  if (child === null || child === undefined || child === false || child === true) return '';
  if (child instanceof Html) return child.value;
  if (Array.isArray(child)) {
    let out = '';
    for (const c of child) out += renderChild(c);
    return out;
  }
  return escapeHtml(String(child));
}

function renderAttrs(props: Props | null): string {
  if (!props) return '';
  let out = '';
  for (const key in props) {
    if (key === 'children' || key === 'dangerouslySetInnerHTML') continue;
    const v = props[key];
    if (v === null || v === undefined || v === false) continue;
    const name = key === 'className' ? 'class' : key === 'htmlFor' ? 'for' : key;
    if (v === true) out += ` ${name}`;
    else out += ` ${name}="${escapeHtml(String(v))}"`;
  }
  return out;
}

export function h(tag: string | Component<never>, props: Props | null, ...children: Child[]): Html {
  if (typeof tag === 'function') {
    const p = { ...(props ?? {}), children: children.length <= 1 ? children[0] : children };
    return (tag as Component)(p);
  }
  const inner = props?.dangerouslySetInnerHTML as { __html: string } | undefined;
  const open = `<${tag}${renderAttrs(props)}>`;
  if (VOID.has(tag)) return new Html(open);
  return new Html(`${open}${inner ? inner.__html : renderChild(children)}</${tag}>`);
}

export function Fragment(props: { children?: Child }): Html {
  return new Html(renderChild(props.children));
}

export function renderDocument(root: Html): string {
  return `<!doctype html>${root.value}`;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    type Element = Html;
    interface IntrinsicElements {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      [name: string]: any;
    }
    interface ElementChildrenAttribute {
      children: unknown;
    }
  }
}
