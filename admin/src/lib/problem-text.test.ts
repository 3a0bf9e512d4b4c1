import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ArticleUpdateSchema, TransitionSchema } from '../../../src/web/api/schemas.ts';
import { zodIssues } from '../../../src/web/api/problem.ts';
import { fieldLabel, issueText, problemText } from './problem-text.ts';

/** The problem document the API answers for a body the schema refuses (src/web/api/route.ts). */
function refused(schema: z.ZodType, body: unknown) {
  const r = schema.safeParse(body);
  if (r.success) throw new Error('the schema accepted the body');
  return { type: 'https://toasoan.dev/problems/invalid-body', title: 'Dữ liệu không hợp lệ', status: 400, detail: 'Nội dung yêu cầu không hợp lệ.', errors: zodIssues(r.error) };
}

describe('problem text', () => {
  it('names the field in Vietnamese with the limit for an over-long title (the real schema and problem shape)', () => {
    expect(problemText(refused(ArticleUpdateSchema, { title: 'x'.repeat(301) }), 'Bad Request')).toBe('Tiêu đề quá dài: tối đa 300 ký tự.');
    expect(problemText(refused(ArticleUpdateSchema, { sapo: 'x'.repeat(2001) }), '')).toBe('Sapo quá dài: tối đa 2000 ký tự.');
    expect(problemText(refused(ArticleUpdateSchema, { tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }), '')).toBe('Thẻ có quá nhiều mục: tối đa 30.');
  });

  it('keeps a message of the server’s own, naming the field when it does not', () => {
    expect(problemText(refused(ArticleUpdateSchema, { title: '   ' }), '')).toBe('Tiêu đề không được để trống');
    expect(problemText(refused(ArticleUpdateSchema, { slug: 'Có Dấu' }), '')).toBe('Đường dẫn (slug): slug chỉ gồm chữ thường không dấu, số và gạch nối');
  });

  it('says what is wrong with a schedule time, a type, a missing field, an option and an unknown field', () => {
    expect(problemText(refused(TransitionSchema, { action: 'schedule', at: 'ngày mai' }), '')).toBe('Thời điểm đăng (hẹn giờ) không phải một thời điểm hợp lệ.');
    expect(problemText(refused(ArticleUpdateSchema, { categoryId: 'một' }), '')).toBe('Chuyên mục sai kiểu dữ liệu.');
    expect(problemText(refused(z.object({ email: z.email(), password: z.string() }), { email: 'khong-phai-email' }), '')).toBe('Email không phải địa chỉ email hợp lệ. Mật khẩu còn thiếu.');
    expect(problemText(refused(TransitionSchema, { action: 'dang_bai' }), '')).toBe('Thao tác không phải lựa chọn hợp lệ.');
    expect(problemText(refused(ArticleUpdateSchema, { title: 'Tin', tieuDe: 'x' }), '')).toBe('Máy chủ không nhận trường “tieuDe”.');
    expect(problemText(refused(z.object({ name: z.string().min(2) }), { name: 'A' }), '')).toBe('Tên quá ngắn: cần ít nhất 2 ký tự.');
  });

  it('maps the common codes without a readable limit, and unknown codes fall back to the server message', () => {
    expect(issueText({ path: 'caption', code: 'too_big', message: 'too long' })).toBe('Chú thích ảnh quá dài hoặc quá lớn.');
    expect(issueText({ path: 'alt', code: 'too_small', message: 'Too small' })).toBe('Mô tả ảnh cho người khiếm thị quá ngắn hoặc quá nhỏ.');
    expect(issueText({ path: 'body', code: 'custom', message: 'Invalid input' })).toBe('Nội dung bài không hợp lệ.');
    expect(issueText({ path: 'slug', code: 'invalid_string', message: 'Invalid' })).toBe('Đường dẫn (slug) không đúng định dạng.');
    expect(issueText({ path: 'title', code: 'not_multiple_of', message: 'Number must be a multiple of 2' })).toBe('Tiêu đề: Number must be a multiple of 2');
    // Markup refused anywhere in the body: the server's Vietnamese sentence, with the field.
    expect(problemText(refused(ArticleUpdateSchema, { sapo: '<script>x</script>' }), '')).toBe('Nội dung không được chứa mã HTML/JavaScript (thẻ <script>, <iframe>, thuộc tính on…, javascript:)');
  });

  it('labels nested and listed fields', () => {
    expect(fieldLabel('title')).toBe('Tiêu đề');
    expect(fieldLabel('tags.2')).toBe('Thẻ (mục 3)');
    expect(fieldLabel('body.content.3.attrs.caption')).toBe('Nội dung bài – Chú thích ảnh');
    expect(fieldLabel('bylines.0.name')).toBe('Tác giả (mục 1) – Tên');
    expect(fieldLabel('')).toBe('Dữ liệu gửi lên');
    expect(fieldLabel('khac.0')).toBe('“khac”');
  });

  it('uses the detail, then the title, then the fallback when there are no issues, and caps a long list', () => {
    expect(problemText({ detail: 'Chỉ chọn được tin đã đăng.', title: 'Dữ liệu không hợp lệ' }, 'x')).toBe('Chỉ chọn được tin đã đăng.');
    expect(problemText({ title: 'Không có quyền' }, 'x')).toBe('Không có quyền');
    expect(problemText('<html>', 'Bad Gateway')).toBe('Bad Gateway');
    const many = { errors: ['title', 'sapo', 'slug', 'caption', 'alt'].map((path) => ({ path, code: 'too_big', message: 'Too big: expected string to have <=5 characters' })) };
    expect(problemText(many, '')).toBe('Tiêu đề quá dài: tối đa 5 ký tự. Sapo quá dài: tối đa 5 ký tự. Đường dẫn (slug) quá dài: tối đa 5 ký tự. (và 2 lỗi khác)');
  });
});
