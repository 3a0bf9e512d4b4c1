import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireAuth, requestMeta } from './auth.ts';
import { ApiProblem } from './problem.ts';
import { route, IdParams } from './route.ts';
import { can } from '../../domain/permissions.ts';
import { durationSeconds, finishUpload, mediaKind, recordUpload, stageUpload, UploadError, type StagedUpload, type UploadedMedia } from '../../media/upload.ts';
import { MAX_AUDIO_BYTES, MAX_IMAGE_BYTES } from '../../media/store.ts';
import { appendAudit } from '../../storage/newsroom-audit.ts';
import { nfc } from '../../domain/vietnamese.ts';
import type { MediaRow } from '../../storage/schema.ts';
import { updateMediaText } from '../../storage/media.ts';

/** Media library writes: multipart upload (POST /media: images and audio), caption/credit/alt (PATCH /media/:id). Reads are in admin.ts. */
const MAX_FILES = 20;

const MediaPatchSchema = z.object({ caption: z.string().max(5000).optional(), credit: z.string().max(500).optional(), alt: z.string().max(1000).optional() }).strict();

const view = (m: MediaRow) => ({ id: m.id, fileName: m.file_name, url: m.storage_key ? `/media/${m.storage_key}` : null, mime: m.mime, width: m.width, height: m.height, byteSize: m.byte_size, caption: m.caption, credit: m.credit, alt: m.alt, createdAt: m.created_at, kind: mediaKind(m.mime), duration: durationSeconds(m.duration_ms) });

export async function registerMediaUploadApi(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const db = ctx.store.db;

  route(api, ctx, { method: 'PATCH', url: '/media/:id', summary: 'Sửa chú thích, nguồn, mô tả ảnh', tag: 'Ảnh', params: IdParams, body: MediaPatchSchema, problems: [400, 403, 404] }, async ({ auth, params, body, req }) => {
    if (!can(auth.user, 'create')) throw new ApiProblem('forbidden', 'Bạn không có quyền sửa thư viện ảnh.');
    const m = await db.selectFrom('media').selectAll().where('id', '=', params.id).executeTakeFirst();
    if (!m) throw new ApiProblem('not_found', 'Không tìm thấy ảnh.');
    // The library's caption, credit and alt text show on the live pages of the stories using the image (as cover, or
    // in a figure leaving them to the library): changing them changes published content, which only people allowed to
    // edit those stories once published may do. Anyone who uploads may edit an image no published story uses. The
    // uses come from article_media (a published story's pending correction counts: it may go live with this text),
    // one row per desk and author, however many stories use the image (a body scan read every story, and stopped at 500).
    const live = await db
      .selectFrom('article_media as u')
      .innerJoin('articles', 'articles.id', 'u.article_id')
      .leftJoin('newsroom_articles', 'newsroom_articles.article_id', 'articles.id')
      .select(['articles.category_id', 'newsroom_articles.author_id'])
      .distinct()
      .where('u.media_id', '=', params.id)
      .where('articles.status', '=', 'published')
      .execute();
    if (live.some((a) => !can(auth.user, 'edit_published', { authorId: a.author_id ?? null, categoryId: a.category_id }))) throw new ApiProblem('forbidden', 'Ảnh này đang hiển thị trong tin đã đăng: chỉ người được sửa các tin đó mới sửa được chú thích, nguồn và mô tả.');
    const set: Partial<Pick<MediaRow, 'caption' | 'credit' | 'alt'>> = {};
    if (body.caption !== undefined) set.caption = nfc(body.caption.trim());
    if (body.credit !== undefined) set.credit = nfc(body.credit.trim());
    if (body.alt !== undefined) set.alt = nfc(body.alt.trim());
    const changed = (Object.keys(set) as Array<keyof typeof set>).some((k) => set[k] !== m[k]);
    const meta = requestMeta(req);
    await db.transaction().execute(async (trx) => {
      if (changed) await updateMediaText(trx, params.id, set);
      await appendAudit(trx, { userId: auth.user.id, userEmail: auth.user.email, action: 'media_update', target: `media:${params.id}`, ip: meta.ip, userAgent: meta.userAgent, details: { changes: set } });
    });
    // Pages drawing this image with its library text (the stories it illustrates) change with it.
    if (changed) await ctx.events.emit({ type: 'media.updated', mediaId: params.id });
    return view(await db.selectFrom('media').selectAll().where('id', '=', params.id).executeTakeFirstOrThrow());
  });

  // Multipart needs its own parser; the rest of the API only accepts JSON, so it lives in its own scope.
  await api.register(async (scope) => {
    // The larger (audio) limit for every part; an image over its own limit is refused once read (upload.ts).
    await scope.register(multipart, { limits: { fileSize: MAX_AUDIO_BYTES, files: MAX_FILES, fields: 10, parts: MAX_FILES + 10 } });
    scope.post('/media', async (req, reply) => {
      const auth = await requireAuth(ctx, req);
      if (!can(auth.user, 'create')) throw new ApiProblem('forbidden', 'Bạn không có quyền tải ảnh lên.');
      if (!req.isMultipart()) throw new ApiProblem('unsupported_media_type', 'Gửi ảnh hoặc âm thanh dạng multipart/form-data (trường "file").');
      // Every file is checked and stored first; the library rows and their audit entries are then written in one
      // transaction, so a request with one bad file adds nothing to the library (a stored file without a row is only
      // bytes under its hash, shared if the same image comes again).
      const staged: StagedUpload[] = [];
      const meta = requestMeta(req);
      const tooLarge = (name: string) => new ApiProblem('payload_too_large', `Tệp ${name} quá lớn (tối đa ${Math.round(MAX_AUDIO_BYTES / 1024 / 1024)} MB với âm thanh, ${Math.round(MAX_IMAGE_BYTES / 1024 / 1024)} MB với ảnh).`);
      // The part being read: the size limit may surface from the part or from the next turn of the iterator.
      let reading = '';
      try {
        for await (const part of req.files()) {
          reading = part.filename;
          const data = await part.toBuffer().catch((err: Error & { code?: string }) => {
            if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(part.filename);
            throw err;
          });
          try {
            staged.push(await stageUpload(ctx.mediaDir, { fileName: part.filename || 'anh', data }));
          } catch (err) {
            if (err instanceof UploadError) throw new ApiProblem(err.status === 413 ? 'payload_too_large' : err.status === 415 ? 'unsupported_media_type' : 'validation', `${part.filename}: ${err.message}`);
            throw err;
          }
        }
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') throw new ApiProblem('payload_too_large', `Mỗi lần tải tối đa ${MAX_FILES} tệp.`);
        if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(reading);
        throw err;
      }
      const ids = await db.transaction().execute(async (trx) => {
        const out: number[] = [];
        for (const item of staged) {
          const id = await recordUpload(trx, item);
          await appendAudit(trx, { userId: auth.user.id, userEmail: auth.user.email, action: 'media_upload', target: `media:${id}`, ip: meta.ip, userAgent: meta.userAgent, details: { fileName: item.fileName, byteSize: item.stored.byteSize } });
          out.push(id);
        }
        return out;
      });
      const saved: UploadedMedia[] = [];
      for (const [i, id] of ids.entries()) saved.push(await finishUpload(db, ctx.mediaDir, id, staged[i]!));
      if (!saved.length) throw new ApiProblem('invalid_body', 'Không có tệp nào trong yêu cầu (trường "file").');
      reply.code(201).header('cache-control', 'no-store');
      return saved.length === 1 ? saved[0] : { items: saved };
    });
  });
}
