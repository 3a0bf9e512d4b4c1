import { useEffect, useState } from 'react';
import { api, request, type Category } from '../api.ts';
import { t } from '../i18n/index.ts';
import { InlineOutcome, type Outcome } from '../lib/Messages.tsx';
import { useSession } from '../session.tsx';

interface User {
  id: number;
  email?: string;
  name: string;
  roles: string[];
  deskIds: number[];
  active?: boolean;
}
const ROLES: Array<[string, string]> = [
  ['contributor', 'Cộng tác viên'],
  ['reporter', 'Phóng viên'],
  ['editor', 'Biên tập viên'],
  ['desk_head', 'Trưởng ban'],
  ['managing_editor', 'Thư ký tòa soạn'],
  ['deputy_editor_in_chief', 'Phó tổng biên tập'],
  ['editor_in_chief', 'Tổng biên tập'],
  ['admin', 'Quản trị'],
];
const SETTINGS_FIELDS: Array<[string, string]> = [
  ['name', 'Tên báo'],
  ['tagline', 'Khẩu hiệu'],
  ['governingBody', 'Cơ quan chủ quản'],
  ['licence', 'Giấy phép'],
  ['editorInChief', 'Tổng biên tập'],
  ['address', 'Địa chỉ'],
  ['phone', 'Điện thoại'],
  ['email', 'Email'],
];

/** Users and roles, categories (tree and order), site settings. */
export default function AdminScreen() {
  const [users, setUsers] = useState<User[]>([]);
  const [cats, setCats] = useState<Category[]>([]);
  const [settings, setSettings] = useState<Record<string, unknown> | null>(null);
  // Each part of this long screen says its outcome next to its own button, where the person is.
  const [userOutcome, setUserOutcome] = useState<Outcome | null>(null);
  /** An account switched on or off in the table: said under the table, not under the form below it. */
  const [activeOutcome, setActiveOutcome] = useState<Outcome | null>(null);
  /** A person signed out of every session (a lost laptop, a stolen phone): said under the table too. */
  const [sessionsOutcome, setSessionsOutcome] = useState<Outcome | null>(null);
  const { session } = useSession();
  const [categoryOutcome, setCategoryOutcome] = useState<Outcome | null>(null);
  const [settingsOutcome, setSettingsOutcome] = useState<Outcome | null>(null);
  const [nu, setNu] = useState({ email: '', name: '', role: 'reporter', desk: '' });
  const [nc, setNc] = useState({ name: '', parentId: '', position: '0' });
  const load = () => {
    api.get<{ items: User[] }>('/users').then((r) => setUsers(r.items), () => undefined);
    api.get<{ items: Category[] }>('/categories').then((r) => setCats(r.items), () => undefined);
    api.get<Record<string, unknown>>('/settings').then(setSettings, () => undefined);
  };
  useEffect(load, []);
  const failed = (set: (o: Outcome) => void) => (e: Error) => set({ text: e.message, error: true });
  const catName = (id: number | null | undefined) => cats.find((c) => c.id === id)?.name ?? '';
  // Each top category followed by its own sub-categories (sorting by parent id put every sub-category under the last top one).
  const byPosition = (a: Category, b: Category) => a.position - b.position || a.id - b.id;
  const tree = cats
    .filter((c) => c.parentId == null)
    .sort(byPosition)
    .flatMap((top) => [top, ...cats.filter((c) => c.parentId === top.id).sort(byPosition)]);
  return (
    <section aria-labelledby="admin-title" className="admin">
      <h1 id="admin-title">{t('admin.title')}</h1>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">{t('admin.users')}</h2>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.email')}</th>
                <th scope="col">{t('admin.roles')}</th>
                <th scope="col">{t('admin.desks')}</th>
                <th scope="col">{t('admin.active')}</th>
                <th scope="col">{t('admin.sessions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{u.roles.map((r) => ROLES.find(([k]) => k === r)?.[1] ?? r).join(', ')}</td>
                  <td>{u.deskIds.map(catName).join(', ')}</td>
                  <td>
                    <input type="checkbox" aria-label={`${t('admin.active')}: ${u.name}`} checked={u.active !== false} onChange={(e) => (setActiveOutcome(null), api.patch(`/users/${u.id}`, { active: e.target.checked }).then(load, failed(setActiveOutcome)))} />
                  </td>
                  <td>
                    {/* One's own sessions are ended from the account screen, which keeps the one in use. */}
                    {u.id !== session.user.id && (
                      <button
                        type="button"
                        aria-label={t('admin.signOutAllFor', { name: u.name })}
                        onClick={() => {
                          setSessionsOutcome(null);
                          request<{ ended: number }>('DELETE', `/users/${u.id}/sessions`).then((r) => setSessionsOutcome({ text: t('admin.signedOut', { name: u.name, count: r.data.ended }) }), failed(setSessionsOutcome));
                        }}
                      >
                        {t('admin.signOutAll')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <InlineOutcome outcome={activeOutcome} testId="active-outcome" />
        <InlineOutcome outcome={sessionsOutcome} testId="user-sessions-outcome" />
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setUserOutcome(null);
            // The API answers the one-time password as generatedPassword; it is stored only as a hash, so this is the only time it is shown.
            api.post<{ generatedPassword?: string }>('/users', { email: nu.email, name: nu.name, roles: [nu.role], deskIds: nu.desk ? [Number(nu.desk)] : [] }).then((r) => {
              setUserOutcome({ text: r.generatedPassword ? t('admin.password', { password: r.generatedPassword }) : t('admin.saved') });
              load();
            }, failed(setUserOutcome));
          }}
        >
          <h3>{t('admin.addUser')}</h3>
          <label>
            {t('admin.email')} <input type="email" required value={nu.email} onChange={(e) => setNu({ ...nu, email: e.target.value })} />
          </label>
          <label>
            {t('admin.name')} <input required value={nu.name} onChange={(e) => setNu({ ...nu, name: e.target.value })} />
          </label>
          <label>
            {t('admin.roles')}{' '}
            <select value={nu.role} onChange={(e) => setNu({ ...nu, role: e.target.value })}>
              {ROLES.map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.desks')}{' '}
            <select value={nu.desk} onChange={(e) => setNu({ ...nu, desk: e.target.value })}>
              <option value="">{t('common.none')}</option>
              {cats.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('admin.addUser')}</button>
          <InlineOutcome outcome={userOutcome} testId="users-outcome" />
        </form>
      </section>
      <section className="card" aria-labelledby="cats-title">
        <h2 id="cats-title">{t('admin.categories')}</h2>
        <ul>
          {tree.map((c) => (
            <li key={c.id} style={{ marginLeft: c.parentId ? '1.5rem' : 0 }}>
              {c.name}{' '}
              <label>
                {t('admin.position')}{' '}
                <input type="number" min={0} defaultValue={c.position} onBlur={(e) => Number(e.target.value) !== c.position && api.patch(`/categories/${c.id}`, { position: Number(e.target.value) }).then(() => (setCategoryOutcome({ text: t('admin.saved') }), load()), failed(setCategoryOutcome))} />
              </label>
            </li>
          ))}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setCategoryOutcome(null);
            api.post('/categories', { name: nc.name, parentId: nc.parentId ? Number(nc.parentId) : null, position: Number(nc.position) || 0 }).then(() => {
              setCategoryOutcome({ text: t('admin.saved') });
              load();
            }, failed(setCategoryOutcome));
          }}
        >
          <label>
            {t('admin.categoryName')} <input required value={nc.name} onChange={(e) => setNc({ ...nc, name: e.target.value })} />
          </label>
          <label>
            {t('admin.parent')}{' '}
            <select value={nc.parentId} onChange={(e) => setNc({ ...nc, parentId: e.target.value })}>
              <option value="">{t('common.none')}</option>
              {cats.filter((c) => !c.parentId).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('admin.addCategory')}</button>
          <InlineOutcome outcome={categoryOutcome} testId="categories-outcome" />
        </form>
      </section>
      {settings && (
        <form
          className="card"
          aria-labelledby="settings-title"
          onSubmit={(e) => {
            e.preventDefault();
            setSettingsOutcome(null);
            api.put<Record<string, unknown>>('/settings', settings).then((s) => (setSettings(s), setSettingsOutcome({ text: t('admin.saved') })), failed(setSettingsOutcome));
          }}
        >
          <h2 id="settings-title">{t('admin.settings')}</h2>
          {SETTINGS_FIELDS.map(([k, label]) => (
            <label key={k} className="block">
              {label} <input value={String(settings[k] ?? '')} onChange={(e) => setSettings({ ...settings, [k]: e.target.value })} />
            </label>
          ))}
          {(['facebook', 'youtube', 'zalo', 'x'] as const).map((k) => {
            const social = (settings.social ?? {}) as Record<string, string>;
            return (
              <label key={k} className="block">
                {k} <input type="url" value={social[k] ?? ''} onChange={(e) => setSettings({ ...settings, social: { ...social, [k]: e.target.value } })} />
              </label>
            );
          })}
          <button type="submit" className="primary">
            {t('admin.save')}
          </button>
          <InlineOutcome outcome={settingsOutcome} testId="settings-outcome" />
        </form>
      )}
    </section>
  );
}
