import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, NetworkError, type ApiToken } from '../api.ts';
import { t } from '../i18n/index.ts';
import { useSession } from '../session.tsx';
import { InlineOutcome, type Outcome } from '../lib/Messages.tsx';
import { ModalDialog } from '../lib/ModalDialog.tsx';
import { formatDateTime, Time } from '../lib/time.tsx';

// As the server's TokenCreateSchema (src/web/api/schemas.ts).
const NAME_MAX = 100;
const EXPIRY_DAYS = [30, 90, 365] as const;

/**
 * Whether the dialog holding this element is open. A `close` event is queued, so it can arrive after the dialog was
 * opened again: React's StrictMode (development builds) mounts a dialog, unmounts it (closing it) and mounts it
 * again. Such a stale event must not close the dialog the person is reading.
 */
const dialogOpen = (id: string): boolean => !!document.getElementById(id)?.closest('dialog')?.open;

const failure = (err: unknown): string => (err instanceof NetworkError ? t('error.network') : err instanceof Error ? err.message : String(err));

function stateOf(token: ApiToken, now: number): string {
  if (token.revokedAt) return t('tokens.revokedAt', { time: formatDateTime(token.revokedAt) });
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return t('tokens.expired');
  return t('tokens.active');
}

/**
 * API tokens in a table, each live one with a revoke button that asks first. Used by this screen (every token, with
 * owners) and the account screen (one's own). `headingId` names the heading focus goes to once a row's button is gone.
 */
export function TokenTable({ tokens, showOwner, headingId, onChanged }: { tokens: ApiToken[]; showOwner: boolean; headingId: string; onChanged: () => void }) {
  const [confirm, setConfirm] = useState<ApiToken | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const revokedRef = useRef(false);
  const now = Date.now();

  const revoke = async () => {
    if (!confirm || busy) return;
    setBusy(true);
    try {
      await api.del(`/tokens/${confirm.id}`);
      setOutcome({ text: t('tokens.revoked', { name: confirm.name }) });
      revokedRef.current = true;
    } catch (err) {
      setOutcome({ text: t('tokens.revokeFailed', { message: failure(err) }), error: true });
      // Revoked meanwhile (by someone else, or in another tab): the list shows it so.
      revokedRef.current = err instanceof ApiError && err.status === 404;
    } finally {
      setBusy(false);
      setConfirm(null);
      onChanged();
    }
  };

  return (
    <>
      {tokens.length === 0 ? (
        <p className="muted">{t('tokens.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="token-list" aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">{t('tokens.colName')}</th>
                {showOwner && <th scope="col">{t('tokens.colOwner')}</th>}
                <th scope="col">{t('tokens.colPrefix')}</th>
                <th scope="col">{t('tokens.colCreated')}</th>
                <th scope="col">{t('tokens.colLastUsed')}</th>
                <th scope="col">{t('tokens.colExpires')}</th>
                <th scope="col">{t('tokens.colState')}</th>
                <th scope="col">{t('tokens.colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tok) => (
                <tr key={tok.id} data-token-id={tok.id}>
                  <th scope="row">{tok.name}</th>
                  {showOwner && (
                    <td>
                      {tok.owner.name}
                      <br />
                      <span className="muted small">{tok.owner.email}</span>
                    </td>
                  )}
                  <td>
                    <code>{tok.prefix}…</code>
                  </td>
                  <td>
                    <Time iso={tok.createdAt} />
                  </td>
                  <td>{tok.lastUsedAt ? <Time iso={tok.lastUsedAt} /> : <span className="muted">{t('tokens.neverUsed')}</span>}</td>
                  <td>{tok.expiresAt ? <Time iso={tok.expiresAt} /> : <span className="muted">{t('tokens.never')}</span>}</td>
                  <td>{stateOf(tok, now)}</td>
                  <td>
                    {!tok.revokedAt && (
                      <button
                        type="button"
                        aria-label={t('tokens.revokeFor', { name: tok.name })}
                        onClick={() => {
                          setOutcome(null);
                          setConfirm(tok);
                        }}
                      >
                        {t('tokens.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <InlineOutcome outcome={outcome} testId={`${headingId}-outcome`} />
      {confirm && (
        <ModalDialog
          labelledBy="token-revoke-title"
          onClose={() => !dialogOpen('token-revoke-title') && setConfirm(null)}
          returnFocus={(opener) => {
            // The row's button is gone once the token is revoked: go to the list's heading instead.
            const revoked = revokedRef.current;
            revokedRef.current = false;
            if (!revoked && opener?.isConnected) opener.focus();
            else document.getElementById(headingId)?.focus();
          }}
        >
          <h2 id="token-revoke-title">{t('tokens.confirmTitle')}</h2>
          <p>{t('tokens.confirmText', { name: confirm.name, prefix: confirm.prefix, owner: confirm.owner.name })}</p>
          <p>
            {/* The safe choice has focus first. */}
            <button type="button" autoFocus onClick={() => setConfirm(null)}>
              {t('common.cancel')}
            </button>{' '}
            <button type="button" className="primary" disabled={busy} onClick={() => void revoke()}>
              {t('tokens.confirm')}
            </button>
          </p>
        </ModalDialog>
      )}
    </>
  );
}

interface Person {
  id: number;
  name: string;
  email?: string;
  active?: boolean;
}
type Created = ApiToken & { token: string };

/** The new token, shown once: it is never stored and cannot be shown again. */
function CreatedDialog({ created, onClose, returnFocus }: { created: Created; onClose: () => void; returnFocus: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'copied' | 'failed' | null>(null);
  const doCopy = () => {
    const select = () => input.current?.select();
    if (!navigator.clipboard) {
      select();
      setCopy('failed');
      return;
    }
    navigator.clipboard.writeText(created.token).then(
      () => setCopy('copied'),
      () => {
        select();
        setCopy('failed');
      },
    );
  };
  return (
    <ModalDialog labelledBy="token-created-title" onClose={() => !dialogOpen('token-created-title') && onClose()} returnFocus={returnFocus}>
      <h2 id="token-created-title">{t('tokens.createdTitle')}</h2>
      <p id="token-created-warning" className="notice">
        {t('tokens.createdWarning')}
      </p>
      <label htmlFor="token-created-value" className="block">
        {t('tokens.value', { name: created.name, owner: created.owner.name })}
      </label>
      <input
        ref={input}
        id="token-created-value"
        readOnly
        autoFocus
        spellCheck={false}
        autoComplete="off"
        aria-describedby="token-created-warning"
        value={created.token}
        size={60}
        style={{ width: '100%', fontFamily: 'monospace' }}
        onFocus={(e) => e.target.select()}
      />
      <div role="status">{copy && <p className={copy === 'failed' ? 'error' : 'notice'}>{copy === 'copied' ? t('tokens.copied') : t('tokens.copyFailed')}</p>}</div>
      <p>
        <button type="button" onClick={doCopy}>
          {t('tokens.copy')}
        </button>{' '}
        <button type="button" className="primary" onClick={onClose}>
          {t('tokens.done')}
        </button>
      </p>
    </ModalDialog>
  );
}

/** API tokens (administrators): every token, creating one for an active account, revoking. */
export default function TokensScreen() {
  const { session } = useSession();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [people, setPeople] = useState<Person[]>([]);
  const [loadError, setLoadError] = useState('');
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState('');
  const [owner, setOwner] = useState(String(session.user.id));
  const [days, setDays] = useState('90');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);

  const load = () => {
    api.get<{ items: ApiToken[] }>('/tokens').then(
      (r) => {
        setTokens(r.items);
        setLoadError('');
      },
      (e: unknown) => setLoadError(t('tokens.loadFailed', { message: failure(e) })),
    );
  };
  useEffect(() => {
    load();
    api.get<{ items: Person[] }>('/users').then((r) => setPeople(r.items.filter((p) => p.active !== false)), () => undefined);
  }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setOutcome(null);
    const trimmed = name.trim();
    const problem = !trimmed ? t('tokens.nameRequired') : trimmed.length > NAME_MAX ? t('tokens.tooLong', { max: NAME_MAX }) : '';
    if (problem) {
      setNameError(problem);
      nameRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const made = await api.post<Created>('/tokens', { name: trimmed, userId: Number(owner), ...(days ? { expiresInDays: Number(days) } : {}) });
      setName('');
      setNameError('');
      setCreated(made);
      setOutcome({ text: t('tokens.created', { name: made.name, owner: made.owner.name }) });
      load();
    } catch (err) {
      setOutcome({ text: t('tokens.failed', { message: failure(err) }), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="tokens-title" className="tokens">
      <h1 id="tokens-title">{t('tokens.title')}</h1>
      <p className="muted">{t('tokens.intro')}</p>
      <form className="card inline-form" aria-labelledby="token-new-title" noValidate onSubmit={(e) => void create(e)}>
        <h2 id="token-new-title">{t('tokens.create')}</h2>
        <label htmlFor="token-name">{t('tokens.name')}</label>{' '}
        <input
          ref={nameRef}
          id="token-name"
          value={name}
          maxLength={NAME_MAX}
          autoComplete="off"
          aria-required="true"
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? 'token-name-error' : undefined}
          onChange={(e) => {
            setName(e.target.value);
            if (nameError) setNameError('');
          }}
        />{' '}
        <label htmlFor="token-owner">{t('tokens.owner')}</label>{' '}
        <select id="token-owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
          {/* The list may still be loading: oneself is always there. */}
          {(people.length ? people : [{ id: session.user.id, name: session.user.name, email: session.user.email }]).map((p) => (
            <option key={p.id} value={p.id}>
              {p.email ? `${p.name} (${p.email})` : p.name}
            </option>
          ))}
        </select>{' '}
        <label htmlFor="token-expiry">{t('tokens.expiry')}</label>{' '}
        <select id="token-expiry" value={days} onChange={(e) => setDays(e.target.value)}>
          {EXPIRY_DAYS.map((n) => (
            <option key={n} value={n}>
              {t('tokens.days', { n })}
            </option>
          ))}
          <option value="">{t('tokens.never')}</option>
        </select>{' '}
        <button ref={submitRef} type="submit" className="primary" disabled={busy}>
          {t('tokens.create')}
        </button>
        {nameError && (
          <p id="token-name-error" className="error">
            {nameError}
          </p>
        )}
        <InlineOutcome outcome={outcome} testId="token-create-outcome" />
      </form>
      <section className="card" aria-labelledby="token-list-title">
        <h2 id="token-list-title" tabIndex={-1}>
          {t('tokens.list')}
        </h2>
        {loadError && (
          <p role="alert" className="error">
            {loadError}
          </p>
        )}
        {tokens && <TokenTable tokens={tokens} showOwner headingId="token-list-title" onChanged={load} />}
      </section>
      {/* Back to the create button: it was disabled while the request ran, so it was not what had focus. */}
      {created && <CreatedDialog created={created} onClose={() => setCreated(null)} returnFocus={() => submitRef.current?.focus()} />}
    </section>
  );
}
