import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import type { AppContext } from '../context.ts';
import { requireAuth, type Authenticated } from './auth.ts';
import { ApiProblem, zodIssues } from './problem.ts';
import { DbIdParam } from './ids.ts';

/**
 * One API route: its schemas (zod, which also generate the OpenAPI document) and its handler.
 * Params, query and body are parsed here, so a handler only ever sees valid input.
 */
export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path below /api/v1, e.g. '/articles/:id'. */
  url: string;
  summary: string;
  tag: string;
  /** Default true. */
  auth?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status and a schema of the answer (for the documentation). */
  success?: { status: number; schema?: ZodType; description?: string };
  /** Problem statuses this route answers with, for the documentation. */
  problems?: number[];
  headers?: Record<string, string>;
}

export interface HandlerInput<P, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  auth: Authenticated;
  params: P;
  query: Q;
  body: B;
}

export const documentedRoutes: Array<RouteSpec<ZodType, ZodType, ZodType>> = [];

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiProblem('invalid_body', `${where} không hợp lệ.`, { errors: zodIssues(r.error) });
  return r.data;
}

export function route<P extends ZodType, Q extends ZodType, B extends ZodType>(
  api: FastifyInstance,
  ctx: AppContext,
  spec: RouteSpec<P, Q, B>,
  handler: (input: HandlerInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>,
): void {
  if (!documentedRoutes.some((r) => r.method === spec.method && r.url === spec.url)) documentedRoutes.push(spec as unknown as RouteSpec<ZodType, ZodType, ZodType>);
  api.route({
    method: spec.method,
    url: spec.url,
    handler: async (req, reply) => {
      const auth = spec.auth === false ? (undefined as unknown as Authenticated) : await requireAuth(ctx, req);
      const params = parse(spec.params, req.params, 'Tham số đường dẫn');
      const query = parse(spec.query, req.query, 'Tham số truy vấn');
      if (spec.body && (req.body === undefined || req.body === null)) throw new ApiProblem('invalid_body', 'Thiếu nội dung JSON.');
      const body = parse(spec.body, req.body, 'Nội dung gửi lên');
      reply.header('cache-control', 'no-store');
      const result = await handler({ req, reply, auth, params, query, body });
      if (reply.sent) return reply;
      if (result === undefined) return reply.code(spec.success?.status ?? 204).send();
      return reply.code(spec.success?.status ?? 200).send(result);
    },
  });
}

export const IdParams = z.object({ id: DbIdParam }).strict();
export const PageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  perPage: z.coerce.number().int().min(1).max(100).default(20),
};
