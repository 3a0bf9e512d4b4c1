/**
 * Autosave that never loses typing: every change is written to local storage at once (synchronously),
 * then sent to the server after a short pause. When the network or the server is down the copy stays
 * local and the send is retried with backoff; when the session has expired it waits for a new login.
 * The local copy is removed only once the server has confirmed that very version.
 */

export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type SaveOutcome =
  | { ok: true }
  /** Network error, 5xx, 429: try again later. */
  | { ok: false; retry: true; reason: 'offline' | 'server' }
  /** 401: the session is gone; wait for resume() after a new login. */
  | { ok: false; retry: false; reason: 'unauthenticated' }
  /** 412 or a refusal that retrying cannot fix: keep the local copy and tell the writer. */
  | { ok: false; retry: false; reason: 'conflict' | 'rejected'; message?: string };

export type AutosaveStatus = 'saved' | 'pending' | 'saving' | 'offline' | 'unauthenticated' | 'conflict' | 'rejected';

export interface AutosaveOptions<T> {
  key: string;
  storage: DraftStorage;
  save: (value: T) => Promise<SaveOutcome>;
  /** Pause after the last change before sending. */
  debounceMs?: number;
  /** Longest time a change may wait while typing goes on. */
  maxWaitMs?: number;
  /** Wait before retry number n (1-based). */
  retryDelayMs?: (attempt: number) => number;
}

interface Stored<T> {
  seq: number;
  savedAt: string;
  value: T;
  /** The server version the typing was based on (ETag), when the caller gave it. */
  base?: string;
}

export class AutosaveQueue<T> {
  private seq = 0;
  private confirmedSeq = 0;
  private latest: T | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstPendingAt = 0;
  private inFlight: Promise<void> | null = null;
  private attempt = 0;
  private listeners = new Set<(s: AutosaveStatus) => void>();
  status: AutosaveStatus = 'saved';
  message = '';
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly retryDelayMs: (attempt: number) => number;

  constructor(private readonly opts: AutosaveOptions<T>) {
    this.debounceMs = opts.debounceMs ?? 1000;
    this.maxWaitMs = opts.maxWaitMs ?? 5000;
    this.retryDelayMs = opts.retryDelayMs ?? ((n) => Math.min(1000 * 2 ** (n - 1), 15_000));
  }

  /** A copy kept locally from an earlier visit that the server never confirmed. */
  static recover<T>(storage: DraftStorage, key: string): { value: T; savedAt: string; base?: string } | null {
    const raw = storage.getItem(key);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Stored<T>;
      return parsed && typeof parsed === 'object' && 'value' in parsed ? { value: parsed.value, savedAt: parsed.savedAt, ...(typeof parsed.base === 'string' ? { base: parsed.base } : {}) } : null;
    } catch {
      return null;
    }
  }

  onStatus(listener: (s: AutosaveStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setStatus(status: AutosaveStatus, message = '') {
    this.status = status;
    this.message = message;
    for (const l of this.listeners) l(status);
  }

  /** Whether there is typing the server has not confirmed. */
  get dirty(): boolean {
    return this.seq > this.confirmedSeq;
  }

  /** `base`: the server version this value was typed on, kept with the local copy (see recover). */
  update(value: T, base?: string): void {
    this.seq++;
    this.latest = value;
    const stored: Stored<T> = { seq: this.seq, savedAt: new Date().toISOString(), value, ...(base ? { base } : {}) };
    // Written before anything else can fail: this is what survives a closed tab or a dead network.
    this.opts.storage.setItem(this.opts.key, JSON.stringify(stored));
    if (!this.firstPendingAt) this.firstPendingAt = Date.now();
    if (this.status === 'saved' || this.status === 'rejected') this.setStatus('pending');
    if (this.status === 'unauthenticated' || this.status === 'conflict') return;
    if (this.attempt > 0) return; // a retry is already scheduled; it will send the newest value
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstPendingAt + this.maxWaitMs - Date.now()));
    this.schedule(wait);
  }

  private schedule(ms: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.send();
    }, ms);
  }

  private async send(): Promise<void> {
    if (this.inFlight) {
      await this.inFlight;
      if (this.dirty && !this.timer && this.status !== 'unauthenticated' && this.status !== 'conflict' && this.status !== 'rejected') return this.send();
      return;
    }
    if (!this.dirty || this.latest === null) return;
    const seq = this.seq;
    const value = this.latest;
    this.setStatus('saving');
    this.inFlight = (async () => {
      let outcome: SaveOutcome;
      try {
        outcome = await this.opts.save(value);
      } catch {
        outcome = { ok: false, retry: true, reason: 'offline' };
      }
      if (outcome.ok) {
        this.confirmedSeq = Math.max(this.confirmedSeq, seq);
        this.attempt = 0;
        if (!this.dirty) {
          this.opts.storage.removeItem(this.opts.key);
          this.firstPendingAt = 0;
          this.setStatus('saved');
        } else {
          this.setStatus('pending');
          this.schedule(0);
        }
        return;
      }
      if (outcome.retry) {
        this.attempt++;
        this.setStatus('offline');
        this.schedule(this.retryDelayMs(this.attempt));
        return;
      }
      this.attempt = 0;
      this.setStatus(outcome.reason, 'message' in outcome ? (outcome.message ?? '') : '');
    })();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
  }

  /** Sends what is pending now (before a workflow action, on leaving the page), including changes made while a save was under way. */
  async flush(): Promise<boolean> {
    for (;;) {
      // A save under way may leave newer changes behind it: wait for it, then send those too.
      while (this.inFlight) await this.inFlight;
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      if (this.status === 'unauthenticated' || this.status === 'conflict' || this.status === 'rejected') return !this.dirty;
      if (!this.dirty) return true;
      await this.send();
      // The server could not be reached: the retry stays scheduled, and the caller hears that not all is saved.
      if (this.status === 'offline') return false;
    }
  }

  /** After a new login, or after the writer resolved a conflict or fixed a rejected field. */
  resume(): void {
    this.attempt = 0;
    if (this.dirty) {
      this.setStatus('pending');
      this.schedule(0);
    } else this.setStatus('saved');
  }

  /** Retry now (the browser says it is online again). */
  retryNow(): void {
    if (this.status === 'offline') {
      this.schedule(0);
    }
  }

  /** Stops timers and listeners (the screen went away); the local copy stays if unconfirmed, and a later update() starts again. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
