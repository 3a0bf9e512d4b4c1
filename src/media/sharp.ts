import type SharpModule from 'sharp';

let loading: Promise<typeof SharpModule> | undefined;

/**
 * sharp (libvips) on first use: a reader-facing process that only serves cached pages never needs it, and loading
 * it costs about 15 MB of resident memory per worker.
 */
export function loadSharp(): Promise<typeof SharpModule> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
