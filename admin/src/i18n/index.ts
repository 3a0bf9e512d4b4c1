import { vi, type MessageKey } from './vi.ts';

export type { MessageKey };
type Catalogue = Record<MessageKey, string>;

let current: Catalogue = vi;

/** Switch catalogues (another language): same keys, other strings. */
export function setCatalogue(catalogue: Catalogue): void {
  current = catalogue;
}

/** A message with {name} placeholders filled in. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = current[key] ?? key;
  return params ? template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : template;
}

/** The catalogue's word for `prefix.code`, or the code itself when it has none (a code added later on the server). */
export function labelOf(prefix: string, code: string): string {
  const key = `${prefix}.${code}` as MessageKey;
  return key in current ? t(key) : code;
}

export function statusLabel(status: string): string {
  return labelOf('status', status);
}
