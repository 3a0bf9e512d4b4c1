import { describe, expect, it } from 'vitest';
import { DocSchema, wordCount, parseDoc } from '../../../src/domain/document.ts';
import { countWords, editorToDoc, providerOf, type PMNode } from './doc-convert.ts';

/** What TipTap's getJSON() gives for a story using every kind of block (attributes as TipTap fills them). */
const EDITOR_JSON: PMNode = {
  type: 'doc',
  content: [
    { type: 'paragraph', attrs: { textAlign: null }, content: [{ type: 'text', text: 'Mở đầu ' }, { type: 'text', text: 'đậm', marks: [{ type: 'bold' }] }, { type: 'text', text: ' và ' }, { type: 'text', text: 'liên kết', marks: [{ type: 'link', attrs: { href: 'https://example.vn', target: '_blank', rel: 'noopener noreferrer nofollow', class: null } }, { type: 'italic' }] }] },
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Mục một' }] },
    { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Quá to' }] },
    { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Một' }] }] }] },
    { type: 'orderedList', attrs: { start: 1, type: null }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hai' }] }] }] },
    { type: 'orderedList', attrs: { start: 3, type: null }, content: [{ type: 'listItem', content: [{ type: 'paragraph' }] }] },
    { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Trích' }, { type: 'hardBreak' }, { type: 'text', text: 'dẫn' }] }] },
    { type: 'figure', attrs: { mediaId: 7, fileName: 'cho.jpg', width: 1200, height: 800, alt: 'Chợ', caption: 'Chợ phiên sáng sớm', credit: 'Ảnh: Lê A' } },
    { type: 'gallery', content: [{ type: 'figure', attrs: { mediaId: 8, fileName: '', width: null, height: null, alt: '', caption: '', credit: '' } }] },
    { type: 'embed', attrs: { provider: 'youtube', url: 'https://www.youtube.com/watch?v=abc', title: null } },
    { type: 'embed', attrs: { provider: 'other', url: 'javascript:alert(1)', title: null } },
    { type: 'embed', attrs: { provider: 'youtube', url: 'https://youtu.be/AbCdEfGhIj0', title: '  Lễ hội đua thuyền  ' } },
    { type: 'audio', attrs: { mediaId: 12, title: 'Bản tin sáng', caption: 'Đọc báo cùng phóng viên', credit: 'Giọng đọc: Thu Hà' } },
    { type: 'audio', attrs: { mediaId: null, title: 'Chưa có tệp', caption: '', credit: '' } },
    { type: 'box', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hộp' }] }, { type: 'audio', attrs: { mediaId: '13', title: null, caption: '', credit: '' } }] },
    { type: 'horizontalRule' },
    { type: 'codeBlock', attrs: { language: null }, content: [{ type: 'text', text: 'mã' }] },
    { type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }, { type: 'highlight' }] }] },
    { type: 'paragraph' },
    { type: 'paragraph' },
  ],
};

describe('editor JSON to stored body', () => {
  it('produces exactly what the body schema accepts, keeping all content', () => {
    const doc = editorToDoc(EDITOR_JSON);
    expect(() => DocSchema.parse(doc)).not.toThrow();
    expect(parseDoc(doc)).toEqual(doc);
    expect(doc.content.map((b) => b.type)).toEqual(['paragraph', 'heading', 'heading', 'bulletList', 'orderedList', 'orderedList', 'blockquote', 'figure', 'gallery', 'embed', 'embed', 'audio', 'box', 'horizontalRule', 'paragraph', 'paragraph']);
    expect(doc.content[0]).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'Mở đầu ' }, { type: 'text', text: 'đậm', marks: [{ type: 'bold' }] }, { type: 'text', text: ' và ' }, { type: 'text', text: 'liên kết', marks: [{ type: 'link', attrs: { href: 'https://example.vn' } }, { type: 'italic' }] }] });
    expect(doc.content[2]).toEqual({ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Quá to' }] });
    expect(doc.content[4]).toEqual({ type: 'orderedList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hai' }] }] }] });
    expect(doc.content[5]).toMatchObject({ attrs: { start: 3 } });
    expect(doc.content[7]).toEqual({ type: 'figure', attrs: { mediaId: 7, fileName: 'cho.jpg', width: 1200, height: 800, alt: 'Chợ', caption: 'Chợ phiên sáng sớm', credit: 'Ảnh: Lê A' } });
    expect(doc.content[9]).toEqual({ type: 'embed', attrs: { provider: 'youtube', url: 'https://www.youtube.com/watch?v=abc' } });
    // The title typed for a video is kept (the reader site names its player with it), trimmed.
    expect(doc.content[10]).toEqual({ type: 'embed', attrs: { provider: 'youtube', url: 'https://youtu.be/AbCdEfGhIj0', title: 'Lễ hội đua thuyền' } });
    // An audio block keeps its recording and words; one without a file is dropped.
    expect(doc.content[11]).toEqual({ type: 'audio', attrs: { mediaId: 12, title: 'Bản tin sáng', caption: 'Đọc báo cùng phóng viên', credit: 'Giọng đọc: Thu Hà' } });
    expect(doc.content[12]).toEqual({ type: 'box', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hộp' }] }, { type: 'audio', attrs: { mediaId: 13, title: '', caption: '', credit: '' } }] });
    expect(doc.content[15]).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'x' }] });
  });

  it('drops links a browser would take off the site, as the server refuses them', () => {
    const linked = (href: string) => editorToDoc({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href } }] }] }] } as unknown as PMNode);
    for (const href of ['/\\evil.example/a', '/\t/evil.example']) expect(linked(href).content[0]).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'x' }] });
    expect(linked('/thoi-su').content[0]).toMatchObject({ content: [{ marks: [{ type: 'link', attrs: { href: '/thoi-su' } }] }] });
  });

  it('a stored body passes through unchanged (what the editor loads is what it saves)', () => {
    const doc = editorToDoc(EDITOR_JSON);
    expect(editorToDoc(doc as unknown as PMNode)).toEqual(doc);
  });

  it('counts words like the server', () => {
    const doc = parseDoc(editorToDoc(EDITOR_JSON));
    expect(countWords(doc)).toBe(wordCount(doc));
  });

  it('recognises embed providers, https only', () => {
    expect(providerOf('https://youtu.be/x')).toBe('youtube');
    expect(providerOf('https://m.facebook.com/story')).toBe('facebook');
    expect(providerOf('https://www.tiktok.com/@a/video/1')).toBe('tiktok');
    expect(providerOf('https://twitter.com/a/status/1')).toBe('x');
    expect(providerOf('https://example.vn/v')).toBe('other');
    expect(providerOf('http://youtube.com/x')).toBeNull();
    expect(providerOf('không phải url')).toBeNull();
  });
});
