// Sign-in: the token is checked against the API (GET /session), which also says its role.
import { useState } from 'preact/hooks';
import { apiClient, asProblem, type Problem } from '../api';
import type { Session } from '../session';
import { ProblemMessage } from '../ui';

export function SignIn({ onSignIn, expired }: { onSignIn: (session: Session) => void; expired: boolean }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const { data, error } = await apiClient(token.trim(), () => undefined).GET('/admin/v1/session');
      if (data) onSignIn({ token: token.trim(), name: data.name, role: data.role });
      else setProblem(asProblem(error));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Kassa24 BVU ledger</h1>
      {expired && (
        <p class="notice" role="status">
          Your token is no longer accepted (expired or revoked). Sign in again.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">Admin API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="muted">
          The service prints demo tokens at start-up; otherwise ask for one (<code>cli admin-token create</code>). It is kept in this tab
          only.
        </p>
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ProblemMessage problem={problem} />
    </main>
  );
}
