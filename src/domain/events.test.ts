import { describe, expect, it } from 'vitest';
import { ContentEvents } from './events.ts';

describe('ContentEvents', () => {
  it('runs every listener and reports a failing one instead of throwing (the change has committed)', async () => {
    const errors: string[] = [];
    const events = new ContentEvents((m) => errors.push(m));
    const seen: number[] = [];
    events.subscribe(() => {
      throw new Error('Redis mất kết nối');
    });
    events.subscribe(async (e) => {
      if (e.type === 'article.published') seen.push(e.articleId);
    });
    await expect(events.emit({ type: 'article.published', articleId: 7 })).resolves.toBeUndefined();
    expect(seen).toEqual([7]);
    expect(errors).toEqual(['Lỗi khi xử lý sự kiện article.published:']);
  });
});
