import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { ServerOptions } from '../server.ts';
import { registerNinjsApi } from './ninjs.ts';
import { registerSearchApi } from './search.ts';

/** The newsroom JSON API under /api/v1 (accounts, workflow, revisions, audit: see the newsroom issue). */
export async function registerApi(api: FastifyInstance, _ctx: AppContext, _opts: ServerOptions): Promise<void> {
  api.get('/', async () => ({ name: 'toasoan', version: 1 }));
  registerNinjsApi(api, _ctx);
  registerSearchApi(api, _ctx);
}
