import { z } from 'zod';

/** A web address readers follow (http or https only: no javascript: or data: links in the site's chrome). */
const webUrl = z.string().url().max(500).refine((u) => /^https?:\/\//i.test(u), 'phải là địa chỉ http(s)');
const url = webUrl.or(z.literal(''));

/** Site settings: the paper's identity, including the imprint Luật Báo chí (art. 46) requires on every page. */
export const SiteSettingsSchema = z
  .object({
    name: z.string().min(1).max(200),
    tagline: z.string().max(300).default(''),
    baseUrl: z.string().url().max(300).refine((u) => /^https?:\/\//i.test(u), 'phải là địa chỉ http(s)').default('http://127.0.0.1:3000'),
    language: z.string().min(2).max(10).default('vi'),
    /** Offset of the paper's local time from UTC, in minutes (Vietnam: +420). */
    utcOffsetMinutes: z.number().int().min(-720).max(840).default(420),
    governingBody: z.string().max(300).default(''),
    licence: z.string().max(300).default(''),
    editorInChief: z.string().max(200).default(''),
    address: z.string().max(500).default(''),
    phone: z.string().max(100).default(''),
    email: z.string().email().max(200).or(z.literal('')).default(''),
    social: z
      .object({ facebook: url.default(''), youtube: url.default(''), zalo: url.default(''), x: url.default('') })
      .strict()
      .default({ facebook: '', youtube: '', zalo: '', x: '' }),
  })
  .strict();
export type SiteSettings = z.infer<typeof SiteSettingsSchema>;

export const DEFAULT_SETTINGS: SiteSettings = SiteSettingsSchema.parse({ name: 'Tòa soạn' });
