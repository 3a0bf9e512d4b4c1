import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { openStore } from '../storage/database.ts';
import { createUser, DuplicateEmailError, getUserRowByEmail, listUsers, setPassword, updateUser } from '../storage/newsroom.ts';
import { appendAudit } from '../storage/newsroom-audit.ts';
import { generatePassword, MIN_PASSWORD_LENGTH } from '../newsroom/passwords.ts';
import { ROLE_LABELS, ROLES, isRole, type Role } from '../domain/roles.ts';

const USER_USAGE = `toasoan user add --email EMAIL --name TÊN --role VAI_TRÒ[,VAI_TRÒ…] [--desk SLUG[,SLUG…]] [--password MẬT_KHẨU]
toasoan user reset-password --email EMAIL [--password MẬT_KHẨU]
toasoan user disable --email EMAIL | enable --email EMAIL
toasoan user list

Vai trò: ${ROLES.map((r) => `${r} (${ROLE_LABELS[r]})`).join(', ')}
Không có --password thì một mật khẩu ngẫu nhiên được tạo và chỉ hiện một lần.`;

const CLI_AUDIT = { ip: '', userAgent: 'toasoan-cli' };

function parseRoles(text: string | undefined): Role[] {
  const roles = (text ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  const bad = roles.filter((r) => !isRole(r));
  if (!roles.length || bad.length) throw new Error(`Vai trò không hợp lệ: "${bad.join(', ') || '(trống)'}". Chọn trong: ${ROLES.join(', ')}`);
  return roles as Role[];
}

function checkPassword(p: string): string {
  if (p.length < MIN_PASSWORD_LENGTH) throw new Error(`Mật khẩu tối thiểu ${MIN_PASSWORD_LENGTH} ký tự.`);
  return p;
}

/** `toasoan user …`: accounts from the command line (the first administrator is made here). */
export async function runUser(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === 'help' || sub === '--help') {
    console.log(USER_USAGE);
    return sub ? 0 : 2;
  }
  const { values } = parseArgs({ args: rest, strict: true, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, desk: { type: 'string' }, password: { type: 'string' } } });
  if (!['add', 'reset-password', 'disable', 'enable', 'list'].includes(sub)) {
    console.error(`Lệnh con không tồn tại: user ${sub}\n\n${USER_USAGE}`);
    return 2;
  }
  const store = await openStore(config.databaseUrl, { create: false });
  try {
    const db = store.db;
    if (sub === 'list') {
      const users = await listUsers(db);
      if (users.length === 0) console.log('Chưa có tài khoản nào.');
      for (const u of users) console.log(`${u.id}\t${u.email}\t${u.name}\t${u.roles.join(',')}\t${u.active ? 'hoạt động' : 'đã khóa'}`);
      return 0;
    }
    const email = values.email && z.email().safeParse(values.email.trim()).success ? values.email.trim() : undefined;
    if (!email) {
      console.error(`Cần --email hợp lệ.\n\n${USER_USAGE}`);
      return 2;
    }
    if (sub === 'add') {
      if (!values.name?.trim()) {
        console.error(`Cần --name.\n\n${USER_USAGE}`);
        return 2;
      }
      const roles = parseRoles(values.role);
      const deskSlugs = (values.desk ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const desks = deskSlugs.length ? await db.selectFrom('categories').select(['id', 'slug']).where('slug', 'in', deskSlugs).execute() : [];
      const missing = deskSlugs.filter((s) => !desks.some((d) => d.slug === s));
      if (missing.length) throw new Error(`Không có chuyên mục: ${missing.join(', ')}`);
      const password = values.password !== undefined ? checkPassword(values.password) : generatePassword();
      try {
        const user = await createUser(db, { email, name: values.name, password, roles, deskIds: desks.map((d) => d.id) });
        await appendAudit(db, { userId: null, userEmail: 'cli', action: 'user_create', target: `user:${user.id}`, ...CLI_AUDIT, details: { email: user.email, roles } });
        console.log(`Đã tạo tài khoản ${user.email} (${roles.map((r) => ROLE_LABELS[r]).join(', ')}).`);
        if (values.password === undefined) console.log(`Mật khẩu (chỉ hiện một lần): ${password}`);
        return 0;
      } catch (err) {
        if (err instanceof DuplicateEmailError) {
          console.error(err.message);
          return 1;
        }
        throw err;
      }
    }
    const row = await getUserRowByEmail(db, email);
    if (!row) {
      console.error(`Không có tài khoản ${email}.`);
      return 1;
    }
    if (sub === 'reset-password') {
      const password = values.password !== undefined ? checkPassword(values.password) : generatePassword();
      await setPassword(db, row.id, password);
      await appendAudit(db, { userId: null, userEmail: 'cli', action: 'password_reset', target: `user:${row.id}`, ...CLI_AUDIT });
      console.log(`Đã đặt lại mật khẩu cho ${row.email}; mọi phiên đăng nhập cũ đã kết thúc.`);
      if (values.password === undefined) console.log(`Mật khẩu mới (chỉ hiện một lần): ${password}`);
      return 0;
    }
    if (sub === 'disable' || sub === 'enable') {
      await updateUser(db, row.id, { active: sub === 'enable' });
      await appendAudit(db, { userId: null, userEmail: 'cli', action: 'user_update', target: `user:${row.id}`, ...CLI_AUDIT, details: { active: sub === 'enable' } });
      console.log(`${sub === 'enable' ? 'Đã mở' : 'Đã khóa'} tài khoản ${row.email}.`);
      return 0;
    }
    return 2;
  } finally {
    await store.close();
  }
}
