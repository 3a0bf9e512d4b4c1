import { t } from '../i18n/index.ts';

/**
 * A session's device in words from its User-Agent header, e.g. "Chrome trên Windows", "Safari trên iPhone", so a person
 * recognises their own laptop and phone in the list of sessions. Rough on purpose: the header is whatever the client
 * sent, and only the names a newsroom member would recognise are picked out.
 */

// Order matters: Edge, Opera, Cốc Cốc and Samsung Internet also say "Chrome"; Chrome says "Safari".
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bcoc_coc_browser\//i, 'Cốc Cốc'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bZalo\b/i, 'Zalo'],
  [/\bFBA[NV]\/|\bFB_IAB\//, 'Facebook'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChromium\//, 'Chromium'],
  [/\b(?:Headless)?Chrome\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//i, 'curl'],
  [/^(?:node|undici|axios)\b/i, 'Node.js'],
  [/^python-/i, 'Python'],
  [/^Go-http-client\//, 'Go'],
  [/^Postman/i, 'Postman'],
  [/^toasoan-cli\b/, 'toasoan CLI'],
];

// iPhones and iPads also say "Mac OS X"; Android says "Linux".
const SYSTEMS: Array<[RegExp, string]> = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMacintosh\b|\bMac OS X\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

const pick = (ua: string, list: Array<[RegExp, string]>): string | undefined => list.find(([re]) => re.test(ua))?.[1];

export function describeUserAgent(userAgent: string): string {
  const ua = userAgent.trim();
  if (!ua) return t('device.unknown');
  const browser = pick(ua, BROWSERS);
  const system = pick(ua, SYSTEMS);
  if (browser && system) return t('device.on', { browser, os: system });
  if (browser) return browser;
  if (system) return t('device.browserOn', { os: system });
  return t('device.unknown');
}
