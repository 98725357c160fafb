import { useState } from 'preact/hooks';
import { api, type Me } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="signin">
      <h1>micro-observe</h1>
      <p>Sign in with a token. Its namespace and scope apply to everything shown here.</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const token = String(new FormData(e.currentTarget).get('token') ?? '').trim();
          try {
            await api('/api/v1/session', { method: 'POST', body: { token } });
            onSignedIn(await api<Me>('/api/v1/session'));
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <label>
          Token <input name="token" type="password" autoComplete="off" placeholder="micro_…" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
      {error && (
        <p class="problem" role="alert">
          {error}
        </p>
      )}
      <p class="hint">
        On the server's machine, <code>micro console</code> prints a one-time sign-in link;{' '}
        <code>micro token create</code> makes tokens.
      </p>
    </div>
  );
}
