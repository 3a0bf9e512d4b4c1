import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, NetworkError, request, type ApiToken, type LoginSession } from '../api.ts';
import { t } from '../i18n/index.ts';
import { useSession } from '../session.tsx';
import { InlineOutcome, type Outcome } from '../lib/Messages.tsx';
import { describeUserAgent } from '../lib/user-agent.ts';
import { TokenTable } from './Tokens.tsx';
import { formatDateTime, Time } from '../lib/time.tsx';

// As the server's PasswordChangeSchema (src/web/api/schemas.ts).
const MIN = 10;
const MAX = 200;

type Field = 'current' | 'next' | 'repeat';
type FieldErrors = Partial<Record<Field, string>>;

/** The server's answer as field errors or one message for the whole form. */
function explain(err: unknown): { fields: FieldErrors; message: string } {
  if (err instanceof NetworkError) return { fields: {}, message: t('error.network') };
  if (!(err instanceof ApiError)) return { fields: {}, message: t('account.failed', { message: String(err) }) };
  if (err.status === 429) {
    const retry = Number((err.body as { retryAfter?: unknown } | null)?.retryAfter);
    return { fields: {}, message: retry > 0 ? t('account.rateLimited', { minutes: Math.ceil(retry / 60) }) : t('account.rateLimitedLater') };
  }
  // A wrong current password is a 403 "forbidden"; a CSRF refusal is also a 403 but of another type.
  if (err.status === 403 && err.type.endsWith('/forbidden')) return { fields: { current: t('account.wrongCurrent') }, message: '' };
  if (err.status === 400) {
    const issues = ((err.body as { errors?: Array<{ path?: string; code?: string }> } | null)?.errors ?? []).filter((i) => i.path === 'newPassword');
    if (issues.some((i) => i.code === 'too_big')) return { fields: { next: t('account.tooLong', { max: MAX }) }, message: '' };
    if (issues.length) return { fields: { next: t('account.tooShort', { min: MIN }) }, message: '' };
  }
  return { fields: {}, message: t('account.failed', { message: err.message }) };
}

const failure = (err: unknown): string => (err instanceof NetworkError ? t('error.network') : err instanceof Error ? err.message : String(err));

/**
 * Where this account is signed in: each session's device, address and times, "Phiên này" for the one in use, and
 * signing out one other session or every other one. The session in use is ended with the top bar's "Đăng xuất".
 */
function Sessions() {
  const [items, setItems] = useState<LoginSession[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = () =>
    api.get<{ items: LoginSession[] }>('/sessions').then(
      (r) => {
        setItems(r.items);
        setLoadError('');
      },
      (e: unknown) => setLoadError(t('sessions.loadFailed', { message: failure(e) })),
    );
  useEffect(() => {
    void load();
  }, []);

  /** After a sign-out the button pressed is gone: focus goes to the section's heading, the outcome is announced. */
  const after = async (o: Outcome) => {
    setOutcome(o);
    await load();
    heading.current?.focus();
  };
  const endOne = async (s: LoginSession) => {
    if (busy) return;
    setBusy(true);
    setOutcome(null);
    const device = describeUserAgent(s.userAgent);
    try {
      await api.del(`/sessions/${s.id}`);
      await after({ text: t('sessions.ended', { device }) });
    } catch (err) {
      await after(err instanceof ApiError && err.status === 404 ? { text: t('sessions.gone'), error: true } : { text: t('sessions.failed', { message: failure(err) }), error: true });
    } finally {
      setBusy(false);
    }
  };
  const endOthers = async () => {
    if (busy) return;
    setBusy(true);
    setOutcome(null);
    try {
      const r = await request<{ ended: number }>('DELETE', '/sessions');
      await after({ text: t('sessions.endedOthers', { count: r.data.ended }) });
    } catch (err) {
      await after({ text: t('sessions.failed', { message: failure(err) }), error: true });
    } finally {
      setBusy(false);
    }
  };

  const others = items?.filter((s) => !s.current).length ?? 0;
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" ref={heading} tabIndex={-1}>
        {t('sessions.title')}
      </h2>
      <p className="muted small">{t('sessions.intro')}</p>
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      {items && (
        <div className="table-scroll">
          <table className="session-list" aria-labelledby="sessions-title">
            <thead>
              <tr>
                <th scope="col">{t('sessions.colDevice')}</th>
                <th scope="col">{t('sessions.colIp')}</th>
                <th scope="col">{t('sessions.colStarted')}</th>
                <th scope="col">{t('sessions.colExpires')}</th>
                <th scope="col">{t('sessions.colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const device = describeUserAgent(s.userAgent);
                return (
                  <tr key={s.id} data-session-id={s.id} data-current={s.current ? 'true' : undefined}>
                    <th scope="row">
                      {device}
                      {s.current && (
                        <>
                          {' '}
                          <span className="badge">{t('sessions.current')}</span>
                        </>
                      )}
                    </th>
                    <td>{s.ip}</td>
                    <td>
                      <Time iso={s.createdAt} />
                    </td>
                    <td>
                      <Time iso={s.expiresAt} />
                    </td>
                    <td>
                      {!s.current && (
                        <button type="button" disabled={busy} aria-label={t('sessions.endFor', { device, time: formatDateTime(s.createdAt) })} onClick={() => void endOne(s)}>
                          {t('sessions.end')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {items && (others > 0 ? (
        <p>
          <button type="button" disabled={busy} onClick={() => void endOthers()}>
            {t('sessions.endOthers')}
          </button>
        </p>
      ) : (
        <p className="muted">{t('sessions.noOthers')}</p>
      ))}
      <InlineOutcome outcome={outcome} testId="sessions-outcome" />
    </section>
  );
}

/** The API tokens this person owns, if any: read only (administrators make them), each revocable. */
function MyTokens({ userId }: { userId: number }) {
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const load = () => {
    // An administrator's list holds everyone's tokens: this screen is about one's own.
    api.get<{ items: ApiToken[] }>('/tokens').then((r) => setTokens(r.items.filter((x) => x.owner.id === userId)), () => undefined);
  };
  useEffect(load, [userId]);
  if (tokens.length === 0) return null;
  return (
    <section className="card" aria-labelledby="my-tokens-title">
      <h2 id="my-tokens-title" tabIndex={-1}>
        {t('account.tokensTitle')}
      </h2>
      <p className="muted small">{t('account.tokensIntro')}</p>
      <TokenTable tokens={tokens} showOwner={false} headingId="my-tokens-title" onChanged={load} />
    </section>
  );
}

/** Every member's own account: who they are in the system, changing their password, their sessions and API tokens. */
export default function AccountScreen() {
  const { session, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const refs = { current: useRef<HTMLInputElement>(null), next: useRef<HTMLInputElement>(null), repeat: useRef<HTMLInputElement>(null) };

  const show = (fields: FieldErrors, msg: string) => {
    setErrors(fields);
    setMessage(msg);
    const first = (['current', 'next', 'repeat'] as const).find((f) => fields[f]);
    if (first) refs[first].current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setDone(false);
    const fields: FieldErrors = {};
    if (!current) fields.current = t('account.currentRequired');
    if (next.length < MIN) fields.next = t('account.tooShort', { min: MIN });
    else if (next.length > MAX) fields.next = t('account.tooLong', { max: MAX });
    else if (next === current) fields.next = t('account.same');
    if (!fields.next && repeat !== next) fields.repeat = t('account.mismatch');
    if (Object.keys(fields).length) return show(fields, '');
    setBusy(true);
    show({}, '');
    try {
      await api.post('/session/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (err) {
      const r = explain(err);
      show(r.fields, r.message);
    } finally {
      setBusy(false);
    }
  };

  const field = (id: Field, label: string, value: string, set: (v: string) => void, autoComplete: string, help?: string) => {
    const describedBy = [help ? 'pw-help' : '', errors[id] ? `pw-${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    return (
      <>
        <label htmlFor={`pw-${id}`}>{label}</label>
        <input
          ref={refs[id]}
          id={`pw-${id}`}
          type="password"
          autoComplete={autoComplete}
          aria-required="true"
          aria-invalid={errors[id] ? true : undefined}
          aria-describedby={describedBy}
          maxLength={id === 'current' ? 1000 : MAX}
          value={value}
          onChange={(e) => set(e.target.value)}
        />
        {errors[id] && (
          <p id={`pw-${id}-error`} className="error">
            {errors[id]}
          </p>
        )}
      </>
    );
  };

  const deskNames = session.desks.map((d) => d.name).join(', ');
  return (
    <section aria-labelledby="account-title" className="account">
      <h1 id="account-title">{t('account.title')}</h1>
      <div className="split">
        <section className="card" aria-label={t('nav.account')}>
          <dl className="facts">
            <dt>{t('account.name')}</dt>
            <dd>{session.user.name}</dd>
            {session.user.email && (
              <>
                <dt>{t('account.email')}</dt>
                <dd>{session.user.email}</dd>
              </>
            )}
            <dt>{t('account.roles')}</dt>
            <dd>{session.roles.map((r) => r.label).join(', ')}</dd>
            <dt>{t('account.desks')}</dt>
            <dd>{deskNames || t('account.noDesk')}</dd>
          </dl>
        </section>
        <form className="card" aria-labelledby="password-title" noValidate onSubmit={(e) => void submit(e)}>
          <h2 id="password-title">{t('account.passwordTitle')}</h2>
          <p id="pw-help" className="muted small">
            {t('account.passwordHelp', { min: MIN })}
          </p>
          {/* Lets password managers file the new password under this account. */}
          <input type="email" name="username" autoComplete="username" value={session.user.email ?? ''} readOnly hidden />
          {field('current', t('account.current'), current, setCurrent, 'current-password')}
          {field('next', t('account.new'), next, setNext, 'new-password', 'pw-help')}
          {field('repeat', t('account.repeat'), repeat, setRepeat, 'new-password')}
          {message && (
            <p role="alert" className="error">
              {message}
            </p>
          )}
          <div role="status">{done && <p className="notice">{t('account.changed')}</p>}</div>
          {done && (
            <p>
              <button type="button" className="primary" onClick={signOut}>
                {t('account.relogin')}
              </button>
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('account.busy') : t('account.submit')}
          </button>
        </form>
      </div>
      <Sessions />
      <MyTokens userId={session.user.id} />
    </section>
  );
}
