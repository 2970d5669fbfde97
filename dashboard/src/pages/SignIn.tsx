import { type FormEvent, useState } from 'react';
import { ApiError, api, type User } from '../api';

/** Name and password (set with `fillbook users passwd <name>`); Enter submits. */
export function SignIn({ onSignedIn, notice }: { onSignedIn(user: User): void; notice: string | null }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(name.trim(), password));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'Unknown user or wrong password.' : e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <main className="signin" id="main">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Fillbook</h1>
        {notice && <p className="notice">{notice}</p>}
        <div className="field">
          <label htmlFor="signin-name">User name</label>
          <input id="signin-name" name="username" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input id="signin-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </div>
        {error && (
          <p className="problem" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          No password yet? Set one with <code>fillbook users passwd &lt;name&gt;</code>.
        </p>
      </form>
    </main>
  );
}
