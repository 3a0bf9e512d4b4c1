/**
 * CDN purge hook: after an invalidation, the origin process tells the CDN exactly which keys changed.
 * Configured by TOASOAN_PURGE_URL (and optional TOASOAN_PURGE_TOKEN): one POST per invalidation carrying the keys in a
 * `Surrogate-Key` header (space separated, as Fastly's purge-by-key API and Varnish xkey expect) and as JSON
 * `{"keys": [...]}` for anything else (e.g. a small worker that calls Cloudflare's purge-by-tag).
 */
export type PurgeHook = (keys: string[]) => Promise<void>;

export function httpPurgeHook(url: string, token?: string, timeoutMs = 3000): PurgeHook {
  const target = new URL(url);
  if (!/^https?:$/.test(target.protocol)) throw new Error(`TOASOAN_PURGE_URL phải là http(s)://… (nhận được "${url}")`);
  return async (keys) => {
    if (keys.length === 0) return;
    const res = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'surrogate-key': keys.join(' '), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ keys }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`CDN trả lời ${res.status} cho yêu cầu xóa ${keys.length} khóa`);
  };
}
