/** The only way the app talks to the server: JSON over /api/v1, cookie session + CSRF header. */
import { problemText } from './lib/problem-text.ts';

/** Workflow actions of POST /articles/{id}/transitions, in the order the editor offers them. */
export const WORKFLOW_ACTIONS = ['submit', 'start_editing', 'return', 'send_for_approval', 'approve', 'publish', 'schedule', 'unschedule', 'unpublish', 'republish', 'discard_correction'];

export interface SessionInfo {
  user: { id: number; email?: string; name: string; roles: string[]; deskIds: number[] };
  roles: Array<{ key: string; label: string }>;
  /** Scope of each action the user's roles allow (the server's permission matrix); missing means not allowed. */
  permissions: Partial<Record<string, 'own' | 'desk' | 'all'>>;
  desks: Array<{ id: number; name: string; slug: string }>;
  csrfToken: string | null;
  expiresAt: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** fetch failed: no network, server down. */
export class NetworkError extends Error {}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
/** For requests that must outlive the page (keepalive on pagehide). */
export function releaseOnUnload(path: string): void {
  void fetch(`/api/v1${path}`, { method: 'DELETE', keepalive: true, credentials: 'same-origin', headers: csrfToken ? { 'x-csrf-token': csrfToken } : {} }).catch(() => undefined);
}
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export interface ApiResponse<T> {
  data: T;
  etag: string | null;
  status: number;
}

export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) h['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
  const text = await res.text().catch(() => '');
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as { type?: string };
    if (res.status === 401 && path !== '/session') onUnauthenticated?.();
    throw new ApiError(res.status, String(p.type ?? res.status), problemText(data, res.statusText), data);
  }
  return { data: data as T, etag: res.headers.get('etag'), status: res.status };
}

export const api = {
  get: async <T>(path: string) => (await request<T>('GET', path)).data,
  post: async <T>(path: string, body?: unknown) => (await request<T>('POST', path, body ?? {})).data,
  put: async <T>(path: string, body?: unknown) => (await request<T>('PUT', path, body ?? {})).data,
  patch: async <T>(path: string, body?: unknown) => (await request<T>('PATCH', path, body ?? {})).data,
  del: async (path: string) => {
    await request('DELETE', path);
  },
};

export async function login(email: string, password: string, remember = false): Promise<SessionInfo> {
  const s = await api.post<SessionInfo>('/session', { email, password, ...(remember ? { remember: true } : {}) });
  setCsrfToken(s.csrfToken);
  return s;
}

export async function currentSession(): Promise<SessionInfo | null> {
  try {
    const s = await api.get<SessionInfo>('/session');
    setCsrfToken(s.csrfToken);
    return s;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function logout(): Promise<void> {
  await request('DELETE', '/session').catch(() => undefined);
  setCsrfToken(null);
}

/** Upload with progress (fetch has no upload progress): multipart to /api/v1/media. */
export function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<MediaItem> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/media');
    xhr.withCredentials = true;
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new NetworkError('upload failed'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as MediaItem);
      else {
        if (xhr.status === 401) onUnauthenticated?.();
        const p = (body ?? {}) as { type?: string };
        reject(new ApiError(xhr.status, String(p.type ?? xhr.status), problemText(body, xhr.statusText), body));
      }
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export interface MediaItem {
  id: number;
  fileName: string;
  url: string | null;
  thumbUrl?: string | null;
  mime: string;
  width: number;
  height: number;
  byteSize: number;
  caption: string;
  credit: string;
  alt: string;
  createdAt: string;
  /** image, or audio (MP3, M4A, Ogg: width and height are 0). */
  kind?: 'image' | 'audio';
  /** Audio: seconds, when the file tells it. */
  duration?: number | null;
  /** How many stories use the image (library listing and GET /media/{id}; absent from upload and save answers). */
  useCount?: number;
}

/** One use of an image by a story the reader may open (GET /media/{id}). */
export interface MediaUse {
  articleId: number;
  title: string;
  status: string;
  role: 'cover' | 'figure' | 'gallery' | 'audio';
  deleted: boolean;
}

export interface MediaDetail extends MediaItem {
  useCount: number;
  usedIn: MediaUse[];
  /** Stories using the image that the reader may not open: counted, never named. */
  hiddenUses: number;
}

export interface ArticleView {
  id: number;
  url: string;
  status: string;
  title: string;
  shortTitle: string;
  sapo: string;
  body: { type: 'doc'; content: unknown[] };
  type: string;
  categoryId: number;
  coverMediaId: number | null;
  seoTitle: string;
  seoDescription: string;
  slug: string;
  tags: string[];
  bylines: Array<{ personId: number } | { name: string }>;
  /** The editor's "Tin liên quan", in order. */
  relatedIds: number[];
  /** Titles of the picks this person may see (stories they may open, and published ones); others are ids only. */
  related: Array<{ id: number; title: string; status: string }>;
  authorId: number | null;
  version: number;
  publishedAt: string | null;
  updatedAt: string;
  returnNote: string;
  scheduledAt: string | null;
  lock: { userId: number; userName: string; expiresAt: string } | null;
  allowedActions: string[];
  correction: { state: string; revisionId: number | null; note: string } | null;
}

export interface ArticleListItem {
  id: number;
  title: string;
  status: string;
  categoryId: number;
  authorId: number | null;
  authorName: string | null;
  /** A pending correction of a published or taken-down story: `draft` or `awaiting_approval`. */
  correction: string | null;
  updatedAt: string;
  publishedAt: string | null;
  url: string;
}

export interface Category {
  id: number;
  name: string;
  slug: string;
  parentId?: number | null;
  parent_id?: number | null;
  position: number;
}

/** One story of GET /stats/most-read: its reads over the period asked. */
export interface MostReadItem {
  id: number;
  title: string;
  status: string;
  categoryId: number;
  publishedAt: string | null;
  views: number;
}

export interface MostReadResult {
  items: MostReadItem[];
  total: number;
  page: number;
  perPage: number;
  days: number;
  /** First and last day counted (YYYY-MM-DD, the site's calendar). */
  from: string;
  to: string;
}

/** Stories read most over the last `days` days (today included) among those the person may see. */
export function fetchMostRead(q: { days: 1 | 7 | 30; categoryId?: number; page: number; perPage: number }): Promise<MostReadResult> {
  const params = new URLSearchParams({ days: String(q.days), page: String(q.page), perPage: String(q.perPage) });
  if (q.categoryId !== undefined) params.set('categoryId', String(q.categoryId));
  return api.get<MostReadResult>(`/stats/most-read?${params}`);
}

/** A login session (GET /sessions): `id` is a public handle, never the cookie value. */
export interface LoginSession {
  id: string;
  createdAt: string;
  expiresAt: string;
  ip: string;
  userAgent: string;
  current: boolean;
}

/** An API token as listed (GET /tokens): never the token itself, only its first characters. */
export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  owner: { id: number; email: string; name: string };
}
