import type { FastifyInstance } from 'fastify';
import { z, type ZodType } from 'zod';
import { documentedRoutes } from './route.ts';
import { PROBLEMS } from './problem.ts';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.ts';

type Json = Record<string, unknown>;

/** The routes that read If-Match (src/web/api/articles.ts), and whether they need it. */
const IF_MATCH: Record<string, 'required' | 'optional'> = {
  'PATCH /articles/:id': 'required',
  'POST /articles/:id/revisions/:revisionId/restore': 'required',
  'POST /articles/:id/transitions': 'optional',
  'DELETE /articles/:id': 'optional',
};

/**
 * OpenAPI 3.1 from the routes' zod schemas. Each schema's local $defs are hoisted into
 * components (deduplicated by content) so the $refs resolve inside the document.
 */
export function buildOpenApi(): Json {
  const components: Record<string, Json> = {};
  const byContent = new Map<string, string>();
  let counter = 0;

  const convert = (schema: ZodType, io: 'input' | 'output'): Json => {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    delete raw.$schema;
    const defs = (raw.$defs ?? {}) as Record<string, Json>;
    delete raw.$defs;
    const rename = new Map<string, string>();
    for (const [key, def] of Object.entries(defs)) {
      const text = JSON.stringify(def);
      rename.set(key, byContent.get(text) ?? `S${++counter}`);
    }
    const fix = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(fix);
      if (v && typeof v === 'object') {
        const out: Json = {};
        for (const [k, val] of Object.entries(v)) out[k] = k === '$ref' && typeof val === 'string' && val.startsWith('#/$defs/') ? `#/components/schemas/${rename.get(val.slice(8)) ?? val.slice(8)}` : fix(val);
        return out;
      }
      return v;
    };
    for (const [key, def] of Object.entries(defs)) {
      const name = rename.get(key)!;
      const text = JSON.stringify(def);
      if (!byContent.has(text)) byContent.set(text, name);
      components[name] ??= fix(def) as Json;
    }
    return fix(raw) as Json;
  };

  const paths: Record<string, Json> = {};
  for (const r of documentedRoutes) {
    const path = '/api/v1' + r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Json = { summary: r.summary, tags: [r.tag], operationId: `${r.method.toLowerCase()}${r.url.replace(/[/:]+([a-zA-Z])/g, (_m, c: string) => c.toUpperCase())}` };
    const parameters: Json[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = convert(schema, 'input');
      const props = (js.properties ?? {}) as Record<string, Json>;
      const required = new Set((js.required as string[] | undefined) ?? []);
      for (const [name, s] of Object.entries(props)) parameters.push({ name, in: where, required: where === 'path' || (required.has(name) && !('default' in s)), schema: s });
    }
    const ifMatch = IF_MATCH[`${r.method} ${r.url}`];
    if (ifMatch) parameters.push({ name: 'If-Match', in: 'header', required: ifMatch === 'required', schema: { type: 'string' }, description: 'ETag của bản đã tải: "<id>-<version>" (một hoặc nhiều, cách nhau bằng dấu phẩy; ETag yếu W/"…" không bao giờ khớp), hoặc * (chỉ cần tin bài tồn tại).' });
    if (parameters.length) op.parameters = parameters;
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: convert(r.body, 'input') } } };
    const status = String(r.success?.status ?? 200);
    op.responses = {
      [status]: { description: r.success?.description ?? 'Thành công', ...(r.success?.schema ? { content: { 'application/json': { schema: convert(r.success.schema, 'output') } } } : {}) },
      ...Object.fromEntries([...new Set([400, ...(r.auth === false ? [] : [401, 403]), ...(r.problems ?? [])])].map((s) => [String(s), { $ref: '#/components/responses/Problem' }])),
    };
    if (r.auth === false) op.security = [];
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Tòa soạn API',
      version: '1',
      description: `API của tòa soạn. Xác thực bằng cookie phiên (${SESSION_COOKIE}, từ POST /api/v1/session) kèm tiêu đề ${CSRF_HEADER} cho mọi thao tác ghi, hoặc Authorization: Bearer <API token>. Lỗi theo RFC 9457 (application/problem+json); các "type": ${Object.values(PROBLEMS)
        .map((p) => p.slug)
        .join(', ')}.`,
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }, { bearer: [] }],
    paths,
    components: {
      schemas: {
        ...components,
        Problem: { type: 'object', properties: { type: { type: 'string', format: 'uri' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } }, required: ['type', 'title', 'status'] },
      },
      responses: { Problem: { description: 'Lỗi (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: `Mutations also need the ${CSRF_HEADER} header.` },
        bearer: { type: 'http', scheme: 'bearer', description: 'API token from `toasoan token create`.' },
      },
    },
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** /api/docs: a plain page listing every endpoint (no script), and the JSON document. */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  let cached: Json | undefined;
  const doc = () => (cached ??= buildOpenApi());
  app.get('/openapi.json', async (_req, reply) => reply.header('cache-control', 'no-cache').send(doc()));
  app.get('/', async (_req, reply) => {
    const d = doc();
    const rows: string[] = [];
    for (const [path, item] of Object.entries(d.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) rows.push(`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(String(op.summary ?? ''))}</td></tr>`);
    }
    const info = d.info as { title: string; description: string };
    const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title></head><body><h1>${escapeHtml(info.title)}</h1><p>${escapeHtml(info.description)}</p><p>Tài liệu OpenAPI 3.1: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a></p><table><thead><tr><th>Phương thức</th><th>Đường dẫn</th><th>Mô tả</th></tr></thead><tbody>${rows.join('')}</tbody></table></body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
