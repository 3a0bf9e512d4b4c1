import { createHash } from 'node:crypto';
import { loadSharp } from './sharp.ts';

/**
 * The paper's wordmark as a PNG, for the publisher logo in structured data and the home page's
 * social card: search engines want a raster image there, not the SVG favicon.
 * Drawn from the site name; the URL carries a hash of it, so a renamed paper gets a new URL.
 */
export const BRAND_LOGO_WIDTH = 600;
export const BRAND_LOGO_HEIGHT = 315;

const xml = (t: string) => t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function brandLogoVersion(siteName: string): string {
  return createHash('sha256').update(`1\0${siteName}`).digest('hex').slice(0, 12);
}

export function brandLogoPath(siteName: string): string {
  return `/media/brand/logo-${brandLogoVersion(siteName)}.png`;
}

export async function renderBrandLogo(siteName: string): Promise<Buffer> {
  const sharp = await loadSharp();
  // Names of Vietnamese papers run 10–30 characters; shrink the type for longer ones.
  const size = Math.max(28, Math.min(72, Math.floor(520 / (siteName.length * 0.58))));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${BRAND_LOGO_WIDTH}" height="${BRAND_LOGO_HEIGHT}"><rect width="100%" height="100%" fill="#ffffff"/><rect x="40" y="${BRAND_LOGO_HEIGHT / 2 - size * 0.75}" width="10" height="${size * 1.3}" fill="#a50e0e"/><text x="66" y="${BRAND_LOGO_HEIGHT / 2 + size * 0.35}" font-family="'Noto Sans','DejaVu Sans',sans-serif" font-size="${size}" font-weight="800" fill="#a50e0e">${xml(siteName)}</text></svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toBuffer();
}
