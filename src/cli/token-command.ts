import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { openStore } from '../storage/database.ts';
import { createApiToken, getUserRowByEmail, listApiTokens, revokeApiToken } from '../storage/newsroom.ts';
import { appendAudit } from '../storage/newsroom-audit.ts';

const TOKEN_USAGE = `toasoan token create --user EMAIL [--name TÊN] [--days N]
                                                  tạo một API token, chỉ hiện một lần (chỉ lưu mã băm);
                                                  --days: hết hạn sau N ngày (1–3650), bỏ trống: không hết hạn
toasoan token list                                mọi token: id, chủ tài khoản, tên, các ký tự đầu, lần dùng cuối, hạn dùng
toasoan token revoke --id N                       thu hồi token số N`;

const DAY_MS = 86_400_000;

/** `toasoan token …`: bearer tokens for integrations. */
export async function runToken(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, strict: true, options: { user: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' }, days: { type: 'string' } } });
  if (sub !== 'create' && sub !== 'revoke' && sub !== 'list') {
    if (sub === 'help' || sub === '--help') {
      console.log(TOKEN_USAGE);
      return 0;
    }
    console.error(`${sub ? `Lệnh con không tồn tại: token ${sub}\n\n` : ''}${TOKEN_USAGE}`);
    return 2;
  }
  const store = await openStore(config.databaseUrl, { create: false });
  try {
    if (sub === 'revoke') {
      const id = Number(values.id);
      if (!Number.isInteger(id) || id <= 0) {
        console.error(`Cần --id.\n\n${TOKEN_USAGE}`);
        return 2;
      }
      if (!(await revokeApiToken(store.db, id))) {
        console.error(`Không có token #${id} đang hiệu lực (xem: toasoan token list).`);
        return 1;
      }
      await appendAudit(store.db, { userId: null, userEmail: 'cli', action: 'token_revoke', target: `token:${id}`, userAgent: 'toasoan-cli' });
      console.log(`Đã thu hồi token #${id}.`);
      return 0;
    }
    if (sub === 'list') {
      const tokens = await listApiTokens(store.db);
      if (tokens.length === 0) console.log('Chưa có token nào.');
      const now = new Date().toISOString();
      for (const t of tokens) {
        const expiry = !t.expiresAt ? 'không hết hạn' : t.expiresAt <= now ? `đã hết hạn ${t.expiresAt}` : `hết hạn ${t.expiresAt}`;
        console.log(`#${t.id}\t${t.owner.email}\t${t.name}\t${t.prefix}…\ttạo ${t.createdAt}\t${t.lastUsedAt ? `dùng lần cuối ${t.lastUsedAt}` : 'chưa dùng'}\t${expiry}${t.revokedAt ? `\tđã thu hồi ${t.revokedAt}` : ''}`);
      }
      return 0;
    }
    if (!values.user) {
      console.error(`Cần --user EMAIL.\n\n${TOKEN_USAGE}`);
      return 2;
    }
    let expiresAt: string | null = null;
    if (values.days !== undefined) {
      const days = Number(values.days);
      if (!/^\d+$/.test(values.days) || days < 1 || days > 3650) {
        console.error(`--days phải là số ngày nguyên từ 1 đến 3650.\n\n${TOKEN_USAGE}`);
        return 2;
      }
      expiresAt = new Date(Date.now() + days * DAY_MS).toISOString();
    }
    const row = await getUserRowByEmail(store.db, values.user);
    if (!row || row.active !== 1) {
      console.error(`Không có tài khoản đang hoạt động: ${values.user}`);
      return 1;
    }
    const { id, token } = await createApiToken(store.db, row.id, values.name ?? 'cli', { expiresAt });
    await appendAudit(store.db, { userId: null, userEmail: 'cli', action: 'token_create', target: `token:${id}`, userAgent: 'toasoan-cli', details: { userId: row.id, expiresAt } });
    console.log(`Token #${id} cho ${row.email}${expiresAt ? `, hết hạn ${expiresAt}` : ', không hết hạn'} (chỉ hiện một lần; dùng "Authorization: Bearer <token>"):`);
    console.log(token);
    return 0;
  } finally {
    await store.close();
  }
}
