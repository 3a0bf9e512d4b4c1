import { describe, expect, it } from 'vitest';
import { parseArticleText } from './parse.ts';

describe('parseArticleText', () => {
  it('reads a body line "X" (a Roman numeral heading) as text, and still leaves out the social line', () => {
    const text = ['Tiêu đề bài', '', 'Sapo của bài.', '', 'IX', '', 'Phần chín.', '', 'X', '', 'Phần mười.', '', 'Đoạn kết.', '', 'fb yt zl tw', '', 'Tin khác ở trang ngoài'].join('\n');
    const parsed = parseArticleText('a.txt', text);
    expect(parsed.blocks.map((b) => (b.kind === 'paragraph' ? b.text : b.fileName))).toEqual(['IX', 'Phần chín.', 'X', 'Phần mười.', 'Đoạn kết.']);
  });

  it('takes the first paragraph as the sapo when a lead photo comes before it', () => {
    const parsed = parseArticleText('b.txt', ['Tiêu đề bài', '', 'anh-dau.jpg', 'Chú thích ảnh đầu.', '', 'Đây là sapo.', '', 'Đoạn thân bài.'].join('\n'));
    expect(parsed.sapo).toBe('Đây là sapo.');
    expect(parsed.blocks).toEqual([
      { kind: 'figure', fileName: 'anh-dau.jpg', caption: 'Chú thích ảnh đầu.', line: 3 },
      { kind: 'paragraph', text: 'Đoạn thân bài.' },
    ]);
  });
});
