import { describe, expect, it } from 'vitest';
import { parseDoc } from './document.ts';
import { renderDoc } from '../web/site/document-html.tsx';

const linked = (href: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'bấm', marks: [{ type: 'link', attrs: { href } }] }] }] });

describe('article body links', () => {
  it('accepts web, mail and on-site links', () => {
    for (const href of ['https://baochinhphu.vn/a', 'mailto:toasoan@example.vn', '/thoi-su', '#doan-2']) expect(() => parseDoc(linked(href)), href).not.toThrow();
  });

  it('refuses links a browser would take off the site or run', () => {
    for (const href of ['javascript:alert(1)', '//evil.example/x', '/\\evil.example/x', '/\t/evil.example/x', '/\n/evil.example', 'data:text/html,x']) expect(() => parseDoc(linked(href)), JSON.stringify(href)).toThrow();
  });
});

describe('article body link attributes', () => {
  it('keeps only href: other attributes a client sends are dropped, not stored', () => {
    const doc = parseDoc({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'bấm', marks: [{ type: 'link', attrs: { href: '/thoi-su', target: '_blank', style: 'color:red', 'data-x': { a: 1 } } }] }] }] });
    expect(doc.content[0]).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'bấm', marks: [{ type: 'link', attrs: { href: '/thoi-su' } }] }] });
  });
});

describe('article body lists', () => {
  it('keeps an ordered list that starts at 0', () => {
    const doc = parseDoc({ type: 'doc', content: [{ type: 'orderedList', attrs: { start: 0 }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'không' }] }] }] }] });
    expect(renderDoc(doc, new Map()).value).toContain('<ol start="0">');
  });
});
