// Admin: tokens (create, revoke, last used; a new token's secret is shown once), the applied
// declarations as YAML, and the audit log.
import { useState } from 'preact/hooks';
import { api, type Me } from '../api';
import { Empty, Problem, useLoad } from '../components/data';
import { ago, time } from '../format';

interface Token {
  id: string;
  namespace: string;
  name: string;
  scope: string;
  state: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
  secret?: string;
}
interface AuditEvent {
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

async function yamlOfConfig(): Promise<string> {
  const res = await fetch('/api/v1/config?format=yaml', { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
  return res.text();
}

export function AdminPage({ me }: { me: Me }) {
  const admin = me.scope === 'admin';
  const tokens = useLoad(() => (admin ? api<{ tokens: Token[] }>('/api/v1/tokens') : Promise.resolve(null)), [admin]);
  const audit = useLoad(
    () => (admin ? api<{ events: AuditEvent[] }>('/api/v1/audit?limit=200') : Promise.resolve(null)),
    [admin],
  );
  const config = useLoad(yamlOfConfig, []);
  const [created, setCreated] = useState<Token | null>(null);
  const [note, setNote] = useState<string | null>(null);
  return (
    <section>
      <h1>Admin</h1>
      {!admin && <p class="note">Tokens and the audit log need an admin token; this one is {me.scope}.</p>}
      {admin && (
        <>
          <h2>Tokens</h2>
          <Problem error={tokens.error} />
          {note && <p class="note">{note}</p>}
          {created?.secret && (
            <div class="secret" role="status">
              <p>
                The new token <b>{created.name}</b>: copy it now, it is not shown again.
              </p>
              <code>{created.secret}</code>{' '}
              <button type="button" onClick={() => navigator.clipboard?.writeText(created.secret ?? '')}>
                Copy
              </button>{' '}
              <button type="button" onClick={() => setCreated(null)}>
                Done
              </button>
            </div>
          )}
          <table class="grid tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Namespace</th>
                <th>Scope</th>
                <th>State</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(tokens.data?.tokens ?? []).map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.id}</code>
                  </td>
                  <td>{t.namespace}</td>
                  <td>{t.scope}</td>
                  <td>
                    <span class={`badge ${t.state}`}>{t.state}</span>
                  </td>
                  <td title={time(t.createdAt)}>
                    {ago(t.createdAt)} by {t.createdBy}
                  </td>
                  <td>{t.expiresAt ? time(t.expiresAt) : 'never'}</td>
                  <td>{t.lastUsedAt ? <span title={time(t.lastUsedAt)}>{ago(t.lastUsedAt)}</span> : 'never'}</td>
                  <td>
                    {t.state === 'active' && (
                      <button
                        type="button"
                        onClick={() => {
                          if (!confirm(`Revoke ${t.name} (${t.id})? Whatever uses it stops working.`)) return;
                          api(`/api/v1/tokens/${t.id}`, { method: 'DELETE' }).then(
                            () => {
                              setNote(`Revoked ${t.name}`);
                              tokens.reload();
                            },
                            (err: Error) => setNote(err.message),
                          );
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            class="search"
            onSubmit={(e) => {
              e.preventDefault();
              const d = new FormData(e.currentTarget);
              api<Token>('/api/v1/tokens', {
                method: 'POST',
                body: {
                  name: String(d.get('name')),
                  scope: String(d.get('scope')),
                  expires: String(d.get('expires')),
                  ...(d.get('namespace') ? { namespace: String(d.get('namespace')) } : {}),
                },
              }).then(
                (t) => {
                  setCreated(t);
                  tokens.reload();
                },
                (err: Error) => setNote(err.message),
              );
            }}
          >
            <input name="name" placeholder="what it is for" required aria-label="token name" />
            <select name="scope" aria-label="scope">
              {['ingest', 'read', 'write', 'admin'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <select name="expires" aria-label="expires">
              {['30d', '90d', '365d', 'never'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            {me.namespace === 'default' && (
              <input name="namespace" placeholder="namespace (default)" aria-label="namespace" />
            )}
            <button type="submit">Create token</button>
          </form>
        </>
      )}
      <h2>Applied declarations</h2>
      <Problem error={config.error} />
      {config.data !== null && <pre class="yaml">{config.data}</pre>}
      {admin && (
        <>
          <h2>Audit log</h2>
          <Problem error={audit.error} />
          {audit.data && audit.data.events.length === 0 && <Empty>Nothing yet.</Empty>}
          <table class="grid audit">
            <tbody>
              {(audit.data?.events ?? []).map((e, i) => (
                <tr key={i}>
                  <td>{time(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>{e.target}</td>
                  <td class="detail">{e.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
