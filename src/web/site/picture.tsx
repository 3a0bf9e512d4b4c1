import { h, type Html } from '../jsx.ts';
import type { MediaRow } from '../../storage/schema.ts';
import { mediaUrl, placeholderUrl } from '../../media/urls.ts';
import { VARIANT_WIDTHS, widthVariantKey, widthsFor, type VariantFormat } from '../../media/variants.ts';

export interface PictureProps {
  media: MediaRow | undefined;
  alt: string;
  /** Intrinsic size printed on the <img>, so the browser reserves the space before the file arrives. */
  width: number;
  height: number;
  /** The `sizes` attribute: how wide the image is drawn at each viewport width. */
  sizes: string;
  /** Candidate widths, from the fixed variant set. */
  widths?: readonly number[];
  /** In the first screen: load now, and first (the page's likely Largest Contentful Paint). */
  priority?: boolean;
  /** In the first screen but not the lead: load now, at normal priority. */
  eager?: boolean;
}

const srcset = (key: string, widths: number[], format: VariantFormat) => widths.map((w) => `${mediaUrl(widthVariantKey(key, w, format))} ${w}w`).join(', ');

/**
 * A responsive image: AVIF and WebP sources with a JPEG fallback, each at several widths, so a phone
 * downloads a small modern file and an old browser still gets a picture. Width and height are always set.
 */
export function Picture(p: PictureProps): Html {
  const loading = p.priority || p.eager ? undefined : 'lazy';
  const fetchpriority = p.priority ? 'high' : undefined;
  const key = p.media?.storage_key;
  if (!key) return <img src={placeholderUrl(p.width, p.height)} alt={p.alt} width={p.width} height={p.height} loading={loading} decoding="async" />;
  const widths = widthsFor(p.media!.width, p.widths ?? VARIANT_WIDTHS);
  // Too small for any variant: the original is already the smallest file.
  if (widths.length === 0) return <img src={mediaUrl(key)} alt={p.alt} width={p.width} height={p.height} loading={loading} decoding="async" fetchpriority={fetchpriority} />;
  const fallback = widths.find((w) => w >= p.width) ?? widths[widths.length - 1]!;
  return (
    <picture>
      <source type="image/avif" srcset={srcset(key, widths, 'avif')} sizes={p.sizes} />
      <source type="image/webp" srcset={srcset(key, widths, 'webp')} sizes={p.sizes} />
      <img src={mediaUrl(widthVariantKey(key, fallback, 'jpg'))} srcset={srcset(key, widths, 'jpg')} sizes={p.sizes} alt={p.alt} width={p.width} height={p.height} loading={loading} decoding="async" fetchpriority={fetchpriority} />
    </picture>
  );
}
