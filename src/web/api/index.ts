import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { ServerOptions } from '../server.ts';
import { registerSearchApi } from './search.ts';

/** The newsroom JSON API under /api/v1 (accounts, workflow, revisions, audit: see the newsroom issue). */
export async function registerApi(api: FastifyInstance, _ctx: AppContext, _opts: ServerOptions): Promise<void> {
  api.get('/', async () => ({ name: 'toasoan', version: 1 }));
  registerSearchApi(api, _ctx);
}
