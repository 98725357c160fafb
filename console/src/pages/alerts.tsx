// Alerts and checks: firing, acknowledged and pending alerts with acknowledge, resolve and silence
// (buttons only for a token that may change things; the API refuses them anyway), each alert's
// history as a timeline and its notification log, checks with their latency over time, silences
// and maintenance windows.
import { useState } from 'preact/hooks';
import { api, canWrite, type Me } from '../api';
import { Sparkline } from '../components/chart';
import { Empty, Problem, useLoad } from '../components/data';
import { ago, duration, time } from '../format';
import { setQuery, useRoute } from '../route';

interface Alert {
  key: string;
  name: string;
  state: string;
  labels: Record<string, string>;
  since: number;
  firingSince: number | null;
  acknowledged: { by: string; at: number } | null;
  message: string;
}
interface Check {
  name: string;
  service: string | null;
  kind: string;
  phase: string;
  lastResult: { ok: boolean; message: string; latencyMs: number; at: number } | null;
  recent?: Array<[number, number, boolean]>;
}
interface Silence {
  id: string;
  matchers: string[];
  startsAt: number;
  endsAt: number;
  author: string;
  comment: string;
  state: string;
}
interface Notification {
  id: string;
  at: number;
  kind: string;
  channel: string;
  recipient: string;
  step: number;
  status: string;
  attempt: number;
  error: string;
}
interface AlertEvent {
  at: number;
  kind: string;
  from: string;
  to: string;
  reason: string;
}

const TABS: Array<[string, string, (a: Alert) => boolean]> = [
  ['firing', 'Firing', (a) => a.state === 'firing' && !a.acknowledged],
  ['acknowledged', 'Acknowledged', (a) => a.state === 'acked'],
  ['pending', 'Pending', (a) => a.state === 'pending'],
  ['all', 'All', () => true],
];

function AlertDetail({ alert }: { alert: Alert }) {
  const name = encodeURIComponent(alert.key);
  const history = useLoad(
    () => api<{ events: AlertEvent[] }>(`/api/v1/alerts/${name}/history`),
    [alert.key, alert.state],
  );
  const notes = useLoad(
    () => api<{ notifications: Notification[] }>(`/api/v1/alerts/${name}/notifications`),
    [alert.key, alert.state],
  );
  return (
    <div class="alert-detail">
      <h3>History</h3>
      <Problem error={history.error} />
      <ol class="timeline">
        {(history.data?.events ?? []).map((e, i) => (
          <li key={i} class={`ev-${e.kind}`}>
            <span class="t">{time(e.at)}</span> <b>{e.kind}</b> {e.from} → {e.to} <span class="why">{e.reason}</span>
          </li>
        ))}
      </ol>
      <h3>Notifications</h3>
      <Problem error={notes.error} />
      {notes.data && notes.data.notifications.length === 0 && <Empty>Nobody was paged for this alert.</Empty>}
      <table class="grid notifications">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>How</th>
            <th>What</th>
            <th>Step</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {(notes.data?.notifications ?? []).map((n, i) => (
            <tr key={`${n.id}-${i}`}>
              <td>{time(n.at)}</td>
              <td>{n.recipient}</td>
              <td>{n.channel}</td>
              <td>{n.kind}</td>
              <td class="num">{n.step + 1}</td>
              <td class={n.status === 'failed' ? 'bad' : n.status === 'sent' ? 'good' : ''} title={n.error}>
                {n.status}
                {n.attempt > 1 ? ` (attempt ${n.attempt})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AlertsPage({ me }: { me: Me }) {
  const { query } = useRoute();
  const tab = query.get('tab') ?? 'firing';
  const [open, setOpen] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const alerts = useLoad(() => api<{ alerts: Alert[] }>('/api/v1/alerts?state=all'), []);
  const checks = useLoad(() => api<{ checks: Check[] }>('/api/v1/checks'), []);
  const silences = useLoad(() => api<{ silences: Silence[] }>('/api/v1/silences'), []);
  const config = useLoad(
    () => api<{ maintenance: Array<{ name: string; matchers: string[]; weekly?: unknown }> }>('/api/v1/config'),
    [],
  );
  const act = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
      setNote(what);
      alerts.reload();
      silences.reload();
    } catch (err) {
      setNote(`${what} failed: ${(err as Error).message}`);
    }
  };
  const list = (alerts.data?.alerts ?? []).filter((a) => a.state !== 'ok' || tab === 'all');
  const shown = list.filter(TABS.find(([t]) => t === tab)?.[2] ?? (() => true));
  const writer = canWrite(me);
  return (
    <section>
      <h1>Alerts</h1>
      <nav class="tabs">
        {TABS.map(([t, label, pick]) => (
          <button type="button" key={t} class={tab === t ? 'on' : ''} onClick={() => setQuery({ tab: t })}>
            {label} ({list.filter(pick).length})
          </button>
        ))}
      </nav>
      {note && (
        <p class="note" role="status">
          {note}
        </p>
      )}
      <Problem error={alerts.error} />
      {alerts.data && shown.length === 0 && <Empty>No {tab === 'all' ? '' : tab} alerts.</Empty>}
      <ul class="alerts">
        {shown.map((a) => (
          <li
            key={a.key}
            class={`alert st-${a.state === 'acked' ? 'firing' : a.state}${a.acknowledged ? ' acked' : ''}`}
          >
            <div class="head">
              <button type="button" class="link name" onClick={() => setOpen(open === a.key ? null : a.key)}>
                {a.key}
              </button>
              <span class={`badge ${a.state}`}>{a.state === 'acked' ? 'acknowledged' : a.state}</span>
              <span class="since" title={time(a.since)}>
                since {ago(a.since)}
              </span>
              {writer && (
                <span class="actions">
                  {a.state === 'firing' && !a.acknowledged && (
                    <button
                      type="button"
                      onClick={() =>
                        act(`Acknowledged ${a.key}`, () =>
                          api(`/api/v1/alerts/${encodeURIComponent(a.key)}/ack`, {
                            method: 'POST',
                            body: { by: me.name },
                          }),
                        )
                      }
                    >
                      Acknowledge
                    </button>
                  )}
                  {['firing', 'acked', 'pending'].includes(a.state) && (
                    <button
                      type="button"
                      onClick={() =>
                        act(`Resolved ${a.key}`, () =>
                          api(`/api/v1/alerts/${encodeURIComponent(a.key)}/resolve`, {
                            method: 'POST',
                            body: { by: me.name },
                          }),
                        )
                      }
                    >
                      Resolve
                    </button>
                  )}
                  <button
                    type="button"
                    onClick={() =>
                      act(`Silenced ${a.key} for 1h`, () =>
                        api('/api/v1/silences', {
                          method: 'POST',
                          body: {
                            matchers: Object.entries(a.labels).map(([k, v]) => `${k}=${v}`),
                            duration: '1h',
                            author: me.name,
                            comment: `silenced from the console: ${a.key}`,
                          },
                        }),
                      )
                    }
                  >
                    Silence 1h
                  </button>
                </span>
              )}
            </div>
            <div class="msg">
              {a.message}
              {a.acknowledged && (
                <span class="ack">
                  {' '}
                  · acknowledged by {a.acknowledged.by} {ago(a.acknowledged.at)}
                </span>
              )}
            </div>
            {open === a.key && <AlertDetail alert={a} />}
          </li>
        ))}
      </ul>
      <h2>Checks</h2>
      <Problem error={checks.error} />
      <table class="grid checks">
        <thead>
          <tr>
            <th>Check</th>
            <th>Kind</th>
            <th>State</th>
            <th>Last result</th>
            <th>Latency</th>
            <th>Latency over time</th>
          </tr>
        </thead>
        <tbody>
          {(checks.data?.checks ?? []).map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td>{c.kind}</td>
              <td>
                <span class={`badge ${c.phase}`}>{c.phase}</span>
              </td>
              <td class={c.lastResult?.ok === false ? 'bad' : ''}>{c.lastResult?.message ?? '–'}</td>
              <td class="num">{c.lastResult ? duration(c.lastResult.latencyMs) : '–'}</td>
              <td>
                <Sparkline label={`latency of ${c.name}`} values={(c.recent ?? []).map((r) => r[1])} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Silences</h2>
      <Problem error={silences.error} />
      {silences.data && silences.data.silences.length === 0 && <Empty>No silences.</Empty>}
      <ul class="silences">
        {(silences.data?.silences ?? []).map((s) => (
          <li key={s.id}>
            <span class={`badge ${s.state}`}>{s.state}</span> <code>{s.matchers.join(', ')}</code> until{' '}
            {time(s.endsAt)} by {s.author}: {s.comment}{' '}
            {writer && s.state !== 'expired' && (
              <button
                type="button"
                onClick={() =>
                  act(`Expired silence ${s.id}`, () => api(`/api/v1/silences/${s.id}`, { method: 'DELETE' }))
                }
              >
                Expire
              </button>
            )}
          </li>
        ))}
      </ul>
      <h2>Maintenance windows</h2>
      {config.data && config.data.maintenance.length === 0 && <Empty>No maintenance windows are declared.</Empty>}
      <ul>
        {(config.data?.maintenance ?? []).map((m) => (
          <li key={m.name}>
            <b>{m.name}</b> <code>{m.matchers.join(', ')}</code> {m.weekly ? JSON.stringify(m.weekly) : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
