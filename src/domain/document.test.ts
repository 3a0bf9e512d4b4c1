import { describe, expect, it } from 'vitest';
import { audios, parseDoc, plainText, wordCount } from './document.ts';
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

describe('article body audio', () => {
  const audio = (attrs: Record<string, unknown>) => ({ type: 'doc', content: [{ type: 'audio', attrs }] });

  it('keeps a recording with its title, caption and credit, filling what is left out, inside boxes too', () => {
    const doc = parseDoc({ type: 'doc', content: [{ type: 'box', content: [{ type: 'audio', attrs: { mediaId: 7, title: 'Podcast số 12' } }] }] });
    expect(doc.content[0]).toEqual({ type: 'box', content: [{ type: 'audio', attrs: { mediaId: 7, title: 'Podcast số 12', caption: '', credit: '' } }] });
    expect(audios(doc)).toEqual([{ mediaId: 7, title: 'Podcast số 12', caption: '', credit: '' }]);
    // Its title and caption are text of the story: search and the word count read them.
    const text = parseDoc(audio({ mediaId: 7, title: 'Bản tin trưa', caption: 'Giọng đọc miền Trung', credit: 'Đài tỉnh' }));
    expect(plainText(text)).toBe('Bản tin trưa\nGiọng đọc miền Trung');
    expect(wordCount(text)).toBe(7);
  });

  it('refuses a recording without a file, unknown attributes and over-long text', () => {
    for (const attrs of [{}, { mediaId: null }, { mediaId: 0 }, { mediaId: 1.5 }, { mediaId: 1, src: 'https://example.vn/a.mp3' }, { mediaId: 1, title: 'x'.repeat(501) }, { mediaId: 1, caption: 'x'.repeat(5001) }, { mediaId: 1, credit: 'x'.repeat(501) }]) {
      expect(() => parseDoc(audio(attrs)), JSON.stringify(attrs).slice(0, 60)).toThrow();
    }
    // Not inside a gallery, which holds photos only.
    expect(() => parseDoc({ type: 'doc', content: [{ type: 'gallery', content: [{ type: 'audio', attrs: { mediaId: 1 } }] }] })).toThrow();
  });
});
