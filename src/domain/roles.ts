import { z } from 'zod';

/**
 * Newsroom roles, from the contributor who files copy to the editor-in-chief who answers for
 * everything published (Luật Báo chí). Keys are stable English identifiers; labels are what people see.
 */
export const ROLES = ['contributor', 'reporter', 'editor', 'desk_head', 'managing_editor', 'deputy_editor_in_chief', 'editor_in_chief', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

export const ROLE_LABELS: Record<Role, string> = {
  contributor: 'Cộng tác viên',
  reporter: 'Phóng viên',
  editor: 'Biên tập viên',
  desk_head: 'Trưởng ban',
  managing_editor: 'Thư ký tòa soạn',
  deputy_editor_in_chief: 'Phó tổng biên tập',
  editor_in_chief: 'Tổng biên tập',
  admin: 'Quản trị',
};

/**
 * Editorial seniority, used where one person's claim must yield to another's (edit-lock takeover).
 * Admin is outside the editorial chain and ranks lowest for editorial purposes.
 */
export const ROLE_RANK: Record<Role, number> = {
  admin: 0,
  contributor: 1,
  reporter: 2,
  editor: 3,
  desk_head: 4,
  managing_editor: 5,
  deputy_editor_in_chief: 6,
  editor_in_chief: 7,
};

export function highestRank(roles: readonly Role[]): number {
  return roles.reduce((max, r) => Math.max(max, ROLE_RANK[r]), -1);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
