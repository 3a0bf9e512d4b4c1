import { createContext, useContext } from 'react';
import type { SessionInfo } from './api.ts';

export interface SessionState {
  session: SessionInfo;
  /** Called after a login that followed an expired session: pending saves resume. */
  onRelogin: (listener: () => void) => () => void;
  signOut: () => void;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

const EDIT_ROLES = new Set(['editor', 'desk_head', 'managing_editor', 'deputy_editor_in_chief', 'editor_in_chief']);
export const hasRole = (s: SessionInfo, ...roles: string[]) => s.user.roles.some((r) => roles.includes(r));
export const isEditorial = (s: SessionInfo) => s.user.roles.some((r) => EDIT_ROLES.has(r));
