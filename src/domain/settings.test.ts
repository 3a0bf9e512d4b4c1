import { describe, expect, it } from 'vitest';
import { SiteSettingsSchema } from './settings.ts';

describe('site settings', () => {
  it('takes only http(s) addresses for the social links and the base URL', () => {
    const base = { name: 'Báo Miền Núi' };
    expect(SiteSettingsSchema.safeParse({ ...base, social: { facebook: 'https://facebook.com/baomiennui', youtube: '', zalo: '', x: '' } }).success).toBe(true);
    for (const bad of ['javascript:alert(document.domain)', 'data:text/html,x', 'ftp://example.vn/']) {
      expect(SiteSettingsSchema.safeParse({ ...base, social: { facebook: bad, youtube: '', zalo: '', x: '' } }).success, bad).toBe(false);
      expect(SiteSettingsSchema.safeParse({ ...base, baseUrl: bad }).success, bad).toBe(false);
    }
  });
});
