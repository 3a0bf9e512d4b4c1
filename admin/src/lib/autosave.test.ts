import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutosaveQueue, type DraftStorage, type SaveOutcome } from './autosave.ts';

class MemoryStorage implements DraftStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

/** A server we can take down and bring back; it records what it received. */
function fakeServer() {
  const received: string[] = [];
  let mode: 'up' | 'down' | 'expired' | 'conflict' | 'reject' = 'up';
  const save = async (v: string): Promise<SaveOutcome> => {
    await Promise.resolve();
    if (mode === 'down') throw new TypeError('Failed to fetch');
    if (mode === 'expired') return { ok: false, retry: false, reason: 'unauthenticated' };
    if (mode === 'conflict') return { ok: false, retry: false, reason: 'conflict' };
    if (mode === 'reject') return { ok: false, retry: false, reason: 'rejected', message: 'Tiêu đề quá dài' };
    received.push(v);
    return { ok: true };
  };
  return { received, save, set: (m: typeof mode) => (mode = m) };
}

describe('autosave queue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps every change locally at once and sends the latest after a pause', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const q = new AutosaveQueue<string>({ key: 'd1', storage, save: server.save, debounceMs: 1000 });
    q.update('a');
    q.update('ab');
    expect(AutosaveQueue.recover<string>(storage, 'd1')?.value).toBe('ab');
    expect(q.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(999);
    expect(server.received).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.received).toEqual(['ab']);
    expect(q.status).toBe('saved');
    expect(storage.getItem('d1')).toBeNull();
  });

  it('does not let continuous typing postpone saving beyond maxWait', async () => {
    const server = fakeServer();
    const q = new AutosaveQueue<string>({ key: 'd', storage: new MemoryStorage(), save: server.save, debounceMs: 1000, maxWaitMs: 3000 });
    for (let i = 0; i < 10; i++) {
      q.update(`v${i}`);
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(server.received.length).toBeGreaterThanOrEqual(1);
    expect(server.received[0]).toBe('v5');
  });

  it('when the server is down, retries with backoff and delivers the newest text once it is back; nothing is lost', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const statuses: string[] = [];
    const q = new AutosaveQueue<string>({ key: 'd', storage, save: server.save, debounceMs: 100, retryDelayMs: (n) => 1000 * n });
    q.onStatus((s) => statuses.push(s));
    server.set('down');
    q.update('một');
    await vi.advanceTimersByTimeAsync(100);
    expect(q.status).toBe('offline');
    q.update('một hai');
    await vi.advanceTimersByTimeAsync(5000);
    q.update('một hai ba');
    expect(AutosaveQueue.recover<string>(storage, 'd')?.value).toBe('một hai ba');
    server.set('up');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.received.at(-1)).toBe('một hai ba');
    expect(q.status).toBe('saved');
    expect(q.dirty).toBe(false);
    expect(storage.getItem('d')).toBeNull();
    expect(statuses).toContain('offline');
  });

  it('changes made while a save is in flight are sent afterwards', async () => {
    let release!: () => void;
    const received: string[] = [];
    const save = (v: string) =>
      new Promise<SaveOutcome>((resolve) => {
        release = () => {
          received.push(v);
          resolve({ ok: true });
        };
      });
    const q = new AutosaveQueue<string>({ key: 'd', storage: new MemoryStorage(), save, debounceMs: 10 });
    q.update('x');
    await vi.advanceTimersByTimeAsync(10);
    expect(q.status).toBe('saving');
    q.update('xy');
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(q.dirty).toBe(true);
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(received).toEqual(['x', 'xy']);
    expect(q.status).toBe('saved');
  });

  it('on an expired session keeps the text and waits for resume() after login', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const q = new AutosaveQueue<string>({ key: 'd', storage, save: server.save, debounceMs: 10 });
    server.set('expired');
    q.update('bản thảo');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(q.status).toBe('unauthenticated');
    q.update('bản thảo dài hơn');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.received).toEqual([]);
    expect(AutosaveQueue.recover<string>(storage, 'd')?.value).toBe('bản thảo dài hơn');
    server.set('up');
    q.resume();
    await vi.advanceTimersByTimeAsync(10);
    expect(server.received).toEqual(['bản thảo dài hơn']);
    expect(q.status).toBe('saved');
  });

  it('conflicts and rejections keep the local copy and say why', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const q = new AutosaveQueue<string>({ key: 'd', storage, save: server.save, debounceMs: 10 });
    server.set('reject');
    q.update('x'.repeat(400));
    await vi.advanceTimersByTimeAsync(10);
    expect(q.status).toBe('rejected');
    expect(q.message).toBe('Tiêu đề quá dài');
    server.set('up');
    q.update('ngắn');
    await vi.advanceTimersByTimeAsync(10);
    expect(q.status).toBe('saved');
    server.set('conflict');
    q.update('sửa');
    await vi.advanceTimersByTimeAsync(10);
    expect(q.status).toBe('conflict');
    expect(await q.flush()).toBe(false);
    expect(AutosaveQueue.recover<string>(storage, 'd')?.value).toBe('sửa');
  });

  it('flush() sends at once and reports whether everything is on the server', async () => {
    const server = fakeServer();
    const q = new AutosaveQueue<string>({ key: 'd', storage: new MemoryStorage(), save: server.save, debounceMs: 10_000 });
    q.update('gửi ngay');
    expect(await q.flush()).toBe(true);
    expect(server.received).toEqual(['gửi ngay']);
  });

  it('flush() during a save also sends what was typed after it started, before it answers', async () => {
    const received: string[] = [];
    const releases: Array<() => void> = [];
    const save = (v: string) =>
      new Promise<SaveOutcome>((resolve) => {
        releases.push(() => {
          received.push(v);
          resolve({ ok: true });
        });
      });
    const storage = new MemoryStorage();
    const q = new AutosaveQueue<string>({ key: 'd', storage, save, debounceMs: 10 });
    q.update('ảnh');
    await vi.advanceTimersByTimeAsync(10);
    expect(q.status).toBe('saving');
    q.update('ảnh và chú thích');
    let flushed: boolean | undefined;
    void q.flush().then((ok) => (flushed = ok));
    releases.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    // The second save is under way and flush() is still waiting for it.
    expect(flushed).toBeUndefined();
    expect(releases).toHaveLength(1);
    releases.shift()!();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(true);
    expect(received).toEqual(['ảnh', 'ảnh và chú thích']);
    expect(storage.getItem('d')).toBeNull();
  });

  it('keeps the server version the typing was based on with the local copy, so a recovered copy is sent against it', () => {
    const storage = new MemoryStorage();
    const q = new AutosaveQueue<string>({ key: 'd', storage, save: async () => ({ ok: false, retry: true, reason: 'offline' }), debounceMs: 60_000, maxWaitMs: 60_000 });
    q.update('gõ lúc mất mạng', '"7-3"');
    expect(AutosaveQueue.recover<string>(storage, 'd')).toMatchObject({ value: 'gõ lúc mất mạng', base: '"7-3"' });
    q.dispose();
  });

  it('recover() ignores garbage', () => {
    const storage = new MemoryStorage();
    storage.setItem('d', '{not json');
    expect(AutosaveQueue.recover(storage, 'd')).toBeNull();
    expect(AutosaveQueue.recover(storage, 'missing')).toBeNull();
  });
});
