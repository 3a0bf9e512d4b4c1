import { t, type MessageKey } from '../i18n/index.ts';

/**
 * What the app says when the API refuses a request: the problem document's zod issues ({path, message, code}, see
 * src/web/api/problem.ts) in Vietnamese, naming the field as the form labels it. The server's English zod messages are
 * only read for the limit they carry; a message of the server's own (Vietnamese) is kept.
 */
export interface ProblemIssue {
  path: string;
  message: string;
  code: string;
}

/** Field names in request bodies → the label the writer sees. */
const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'editor.title',
  shortTitle: 'editor.shortTitle',
  sapo: 'editor.sapo',
  body: 'editor.body',
  type: 'editor.type',
  categoryId: 'editor.category',
  coverMediaId: 'editor.cover',
  seoTitle: 'editor.seoTitle',
  seoDescription: 'editor.seoDescription',
  slug: 'field.slug',
  tags: 'field.tags',
  bylines: 'field.bylines',
  relatedIds: 'editor.related',
  scheduledAt: 'editor.schedule',
  at: 'editor.schedule',
  note: 'editor.note',
  action: 'field.action',
  correctionNote: 'field.correctionNote',
  caption: 'editor.caption',
  credit: 'editor.credit',
  alt: 'editor.alt',
  email: 'login.email',
  password: 'login.password',
  currentPassword: 'field.currentPassword',
  newPassword: 'field.newPassword',
  name: 'field.name',
  roles: 'admin.roles',
  deskIds: 'admin.desks',
  parentId: 'admin.parent',
  position: 'admin.position',
};

/** The label of a dotted issue path: "title" → "Tiêu đề", "tags.2" → "Thẻ (mục 3)", "body.content.3.attrs.caption" → "Nội dung bài – Chú thích ảnh". */
export function fieldLabel(path: string): string {
  const parts = path.split('.').filter(Boolean);
  if (!parts.length) return t('field.data');
  const known = parts.map((p, i) => ({ p, i })).filter(({ p }) => p in FIELD_LABELS);
  if (!known.length) {
    const named = parts.filter((p) => !/^\d+$/.test(p));
    return `“${named.at(-1) ?? path}”`;
  }
  const outer = known[0]!;
  let label = t(FIELD_LABELS[outer.p]!);
  const index = parts[outer.i + 1];
  if (index !== undefined && /^\d+$/.test(index)) label = t('field.item', { field: label, n: Number(index) + 1 });
  const inner = known.at(-1)!;
  if (inner.i !== outer.i) label += ` – ${t(FIELD_LABELS[inner.p]!)}`;
  return label;
}

/** zod's own English messages (they may quote Vietnamese input, so not every non-ASCII message is ours). */
const ZOD_ENGLISH = /^(Too (big|small)|Invalid|Unrecognized|Expected|Required|Number must|String must|Array must)\b/;
/** A message the server wrote itself: Vietnamese, so it has letters outside ASCII. */
const ownMessage = (m: string) => !ZOD_ENGLISH.test(m) && /[\u0080-\uffff]/.test(m);

function limitOf(message: string): { kind: string; n: number; inclusive: boolean } | null {
  const m = /expected (\w+) to (?:have|be) ([<>]=?)\s*(-?\d+(?:\.\d+)?)/.exec(message);
  return m ? { kind: m[1]!, n: Number(m[3]), inclusive: m[2]!.endsWith('=') } : null;
}

/** One issue as a Vietnamese sentence. */
export function issueText(issue: ProblemIssue): string {
  const field = fieldLabel(issue.path);
  const message = issue.message?.trim() ?? '';
  if (ownMessage(message)) {
    // The server's own words; name the field unless they already do.
    return issue.path && !message.toLowerCase().startsWith(field.toLowerCase()) ? t('problem.withMessage', { field, message }) : message;
  }
  const limit = limitOf(message);
  switch (issue.code) {
    case 'too_small': {
      if (!limit || !limit.inclusive) return t('problem.tooSmall', { field });
      if (limit.kind === 'string') return limit.n <= 1 ? t('problem.empty', { field }) : t('problem.tooShort', { field, n: limit.n });
      if (limit.kind === 'array' || limit.kind === 'set') return limit.n <= 1 ? t('problem.empty', { field }) : t('problem.tooFewItems', { field, n: limit.n });
      return t('problem.tooLow', { field, n: limit.n });
    }
    case 'too_big': {
      if (!limit || !limit.inclusive) return t('problem.tooBig', { field });
      if (limit.kind === 'string') return t('problem.tooLong', { field, n: limit.n });
      if (limit.kind === 'array' || limit.kind === 'set') return t('problem.tooManyItems', { field, n: limit.n });
      return t('problem.tooHigh', { field, n: limit.n });
    }
    case 'invalid_type':
      return /received undefined/.test(message) ? t('problem.missing', { field }) : t('problem.invalidType', { field });
    case 'invalid_format':
    case 'invalid_string':
      if (/date|time/i.test(message)) return t('problem.invalidDate', { field });
      if (/email/i.test(message)) return t('problem.invalidEmail', { field });
      return t('problem.invalidFormat', { field });
    case 'invalid_value':
    case 'invalid_enum_value':
    case 'invalid_literal':
      return t('problem.invalidValue', { field });
    case 'unrecognized_keys': {
      const keys = [...message.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
      return t('problem.unknownKeys', { keys: keys.length ? keys.map((k) => fieldLabel(k)).join(', ') : field });
    }
    case 'custom':
    case 'invalid_union':
    case 'invalid_date':
      return t('problem.invalid', { field });
    default:
      return message ? t('problem.withMessage', { field, message }) : t('problem.invalid', { field });
  }
}

function isIssue(x: unknown): x is ProblemIssue {
  return !!x && typeof x === 'object' && typeof (x as ProblemIssue).path === 'string' && typeof (x as ProblemIssue).code === 'string';
}

/** The message for a refused request: its issues in Vietnamese when it lists some, else the server's detail or title. */
export function problemText(body: unknown, fallback: string, maxIssues = 3): string {
  const p = (body && typeof body === 'object' ? body : {}) as { detail?: unknown; title?: unknown; errors?: unknown };
  const issues = Array.isArray(p.errors) ? p.errors.filter(isIssue) : [];
  if (issues.length) {
    const lines = [...new Set(issues.map(issueText))];
    const shown = lines.slice(0, maxIssues);
    if (lines.length > shown.length) shown.push(t('problem.more', { n: lines.length - shown.length }));
    return shown.join(' ');
  }
  if (typeof p.detail === 'string' && p.detail) return p.detail;
  if (typeof p.title === 'string' && p.title) return p.title;
  return fallback;
}
