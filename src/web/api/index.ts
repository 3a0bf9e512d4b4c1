import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { ServerOptions } from '../server.ts';
import { registerNinjsApi } from './ninjs.ts';
import { ApiProblem, registerProblemHandler, sendProblem } from './problem.ts';
import { registerSessionRoutes } from './session.ts';
import { registerArticleRoutes } from './articles.ts';
import { registerAdminRoutes } from './admin.ts';
import { registerSearchApi } from './search.ts';
import { registerMediaUploadApi } from './media-upload.ts';
import { registerCurationApi } from './curation.ts';
import { registerPreviewApi } from './preview.ts';
import { registerTokenRoutes } from './tokens.ts';
import { registerStatsRoutes } from './stats.ts';

/** Largest JSON body the API accepts (a long story with its structure fits well inside). */
export const API_BODY_LIMIT = 2 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The newsroom JSON API under /api/v1: accounts, workflow, revisions, audit. See docs/API.md. */
export async function registerApi(api: FastifyInstance, ctx: AppContext, opts: ServerOptions): Promise<void> {
  registerProblemHandler(api);
  api.setNotFoundHandler((req, reply) => sendProblem(reply, 'not_found', `Không có API ${req.method} ${req.url.split('?')[0]}.`));
  // Only JSON, decoded strictly: invalid UTF-8 is refused instead of silently turned into U+FFFD.
  api.removeAllContentTypeParsers();
  api.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: API_BODY_LIMIT }, (_req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new ApiProblem('invalid_utf8', 'Nội dung gửi lên không phải UTF-8 hợp lệ.'), undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiProblem('invalid_json', 'Nội dung gửi lên không phải JSON hợp lệ.'), undefined);
    }
  });
  api.get('/', async () => ({ name: 'toasoan', version: 1, docs: '/api/docs' }));
  registerNinjsApi(api, ctx);
  registerSessionRoutes(api, ctx, opts);
  registerArticleRoutes(api, ctx);
  registerAdminRoutes(api, ctx);
  registerSearchApi(api, ctx);
  await registerMediaUploadApi(api, ctx);
  registerCurationApi(api, ctx);
  registerPreviewApi(api, ctx);
  registerTokenRoutes(api, ctx);
  registerStatsRoutes(api, ctx);
}
