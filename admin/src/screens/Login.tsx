import { useState, type FormEvent } from 'react';
import { ApiError, login, NetworkError, type SessionInfo } from '../api.ts';
import { t } from '../i18n/index.ts';

/** `onSignOut`: offered when the session expired, the other way out of the login overlay. */
export function LoginForm({ onLoggedIn, expired = false, onSignOut }: { onLoggedIn: (s: SessionInfo) => void; expired?: boolean; onSignOut?: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onLoggedIn(await login(email, password, remember));
    } catch (err) {
      if (err instanceof NetworkError) setError(t('error.network'));
      else if (err instanceof ApiError && err.status !== 401) setError(err.message);
      else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="login card" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {expired && <p className="notice">{t('login.expired')}</p>}
      <label htmlFor="login-email">{t('login.email')}</label>
      <input id="login-email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      <label htmlFor="login-password">{t('login.password')}</label>
      <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      <label className="checkbox">
        <input type="checkbox" name="remember" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> {t('login.remember')}
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('login.busy') : t('login.submit')}
      </button>
      {onSignOut && (
        <button type="button" className="link-button sign-out" onClick={onSignOut}>
          {t('nav.logout')}
        </button>
      )}
    </form>
  );
}
