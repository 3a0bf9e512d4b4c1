import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ZodError } from 'zod';
import { NewsroomError, type NewsroomErrorKind } from '../../newsroom/errors.ts';

/** RFC 9457 problem details: a machine `type`, a Vietnamese `title`, the HTTP status, a `detail`. */
export const PROBLEM_BASE = 'https://toasoan.dev/problems/';

export interface ProblemSpec {
  status: number;
  slug: string;
  title: string;
}

export const PROBLEMS = {
  unauthenticated: { status: 401, slug: 'unauthenticated', title: 'Chưa đăng nhập' },
  forbidden: { status: 403, slug: 'forbidden', title: 'Không có quyền' },
  csrf: { status: 403, slug: 'csrf', title: 'Thiếu hoặc sai mã chống giả mạo (CSRF)' },
  not_found: { status: 404, slug: 'not-found', title: 'Không tìm thấy' },
  method_not_allowed: { status: 405, slug: 'method-not-allowed', title: 'Phương thức không được phép' },
  invalid_transition: { status: 409, slug: 'invalid-transition', title: 'Thao tác không hợp lệ với trạng thái hiện tại' },
  conflict: { status: 409, slug: 'conflict', title: 'Xung đột dữ liệu' },
  lock_conflict: { status: 409, slug: 'lock-conflict', title: 'Tin bài đang được người khác sửa' },
  stale: { status: 412, slug: 'stale-revision', title: 'Phiên bản đã cũ' },
  payload_too_large: { status: 413, slug: 'payload-too-large', title: 'Dữ liệu gửi lên quá lớn' },
  unsupported_media_type: { status: 415, slug: 'unsupported-media-type', title: 'Định dạng dữ liệu không được hỗ trợ' },
  validation: { status: 422, slug: 'validation', title: 'Dữ liệu không hợp lệ' },
  invalid_body: { status: 400, slug: 'invalid-body', title: 'Dữ liệu không hợp lệ' },
  invalid_json: { status: 400, slug: 'invalid-json', title: 'JSON không hợp lệ' },
  invalid_utf8: { status: 400, slug: 'invalid-utf8', title: 'Dữ liệu không phải UTF-8 hợp lệ' },
  locked: { status: 423, slug: 'locked', title: 'Tin bài đang được người khác sửa' },
  precondition_required: { status: 428, slug: 'precondition-required', title: 'Thiếu phiên bản gốc (If-Match)' },
  rate_limited: { status: 429, slug: 'rate-limited', title: 'Thử quá nhiều lần' },
  internal: { status: 500, slug: 'internal', title: 'Lỗi hệ thống' },
} satisfies Record<string, ProblemSpec>;
export type ProblemKey = keyof typeof PROBLEMS;

export class ApiProblem extends Error {
  constructor(
    readonly key: ProblemKey,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export function sendProblem(reply: FastifyReply, key: ProblemKey, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  const p = PROBLEMS[key];
  return reply
    .code(p.status)
    .type('application/problem+json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send({ type: PROBLEM_BASE + p.slug, title: p.title, status: p.status, detail, instance: reply.request.url.split('?')[0], ...extra });
}

const KIND_TO_PROBLEM: Record<NewsroomErrorKind, ProblemKey> = {
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  not_found: 'not_found',
  invalid_transition: 'invalid_transition',
  stale: 'stale',
  precondition_required: 'precondition_required',
  locked: 'locked',
  lock_conflict: 'lock_conflict',
  validation: 'validation',
  conflict: 'conflict',
  rate_limited: 'rate_limited',
};

export function zodIssues(err: ZodError): Array<{ path: string; message: string; code: string }> {
  return err.issues.slice(0, 50).map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
}

/** Every error under /api becomes a problem document; unexpected ones are logged and stay vague. */
export function registerProblemHandler(api: FastifyInstance): void {
  api.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof ApiProblem) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return sendProblem(reply, err.key, err.detail, err.extra);
    }
    if (err instanceof NewsroomError) return sendProblem(reply, KIND_TO_PROBLEM[err.kind], err.message, err.extra);
    if (err instanceof ZodError) return sendProblem(reply, 'invalid_body', 'Dữ liệu gửi lên không đúng định dạng.', { errors: zodIssues(err) });
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, 'payload_too_large', 'Dữ liệu gửi lên vượt quá giới hạn cho phép.');
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, 'unsupported_media_type', 'API chỉ nhận application/json.');
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendProblem(reply, 'invalid_json', 'Thiếu nội dung JSON.');
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return sendProblem(reply, 'invalid_body', fe.message);
    logServerError(req, err);
    return sendProblem(reply, 'internal', 'Đã có lỗi xảy ra; vui lòng thử lại sau.');
  });
}

/** A server error, logged whether or not requests are: it must leave a trace (API and site error handlers). */
export function logServerError(req: { method: string; url: string }, err: Error): void {
  console.error(`Lỗi máy chủ ở ${req.method} ${req.url}: ${err.stack ?? err.message}`);
}
