// On call: who is on call now per schedule and who is next, a two-week calendar of shifts,
// overrides (add, remove), escalations in progress, and warnings (gaps, unreachable people).
import { useState } from 'preact/hooks';
import { api, canWrite, type Me } from '../api';
import { Empty, Problem, useLoad } from '../components/data';
import { ago, time, zone } from '../format';

interface Person {
  id: string;
  name: string;
}
interface Who {
  schedule: string;
  onCall: Person[];
  until: number | null;
  next: Person[];
}
interface Shift {
  start: number;
  end: number;
  onCall: Person[];
}
interface Override {
  id: string;
  schedule: string;
  kind: string;
  user?: string;
  with?: string;
  start: string;
  end: string;
  author: string;
}
interface Escalation {
  alertKey: string;
  policy: string;
  startedAt: number;
  stoppedAt: number | null;
  firingReason: string;
  notifications: Array<{ recipient: string; status: string; step: number; channel: string; at: number }>;
}

const DAY = 86400_000;
const names = (l: Person[]) => (l.length ? l.map((p) => p.name).join(', ') : 'nobody');

function Calendar({ schedule }: { schedule: string }) {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  const from = start.getTime();
  const shifts = useLoad(
    () =>
      api<{ shifts: Shift[] }>(
        `/api/v1/oncall/schedules/${encodeURIComponent(schedule)}/shifts?from=${new Date(from).toISOString()}&next=14d`,
      ),
    [schedule],
  );
  const days = [...Array(14)].map((_, i) => from + i * DAY);
  return (
    <div>
      <Problem error={shifts.error} />
      <div class="calendar" title={`two weeks of ${schedule}`}>
        {days.map((d) => {
          const inDay = (shifts.data?.shifts ?? []).filter((s) => s.start < d + DAY && s.end > d);
          return (
            <div class="day" key={d}>
              <div class="date">
                {new Intl.DateTimeFormat(undefined, {
                  weekday: 'short',
                  day: 'numeric',
                  month: 'short',
                  ...(zone() === 'UTC' ? { timeZone: 'UTC' } : {}),
                }).format(d)}
              </div>
              {inDay.map((s) => (
                <div class="shift" key={s.start} title={`${time(s.start)} – ${time(s.end)}`}>
                  {names(s.onCall)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function OnCallPage({ me }: { me: Me }) {
  const who = useLoad(() => api<{ schedules: Who[] }>('/api/v1/oncall'), []);
  const overrides = useLoad(() => api<{ overrides: Override[] }>('/api/v1/oncall/overrides'), []);
  const escalations = useLoad(() => api<{ escalations: Escalation[] }>('/api/v1/oncall/escalations'), []);
  const warnings = useLoad(
    () => api<{ warnings: Array<{ key: string; message: string }> }>('/api/v1/oncall/check'),
    [],
  );
  const users = useLoad(() => api<{ users: Person[] }>('/api/v1/oncall/users'), []);
  const [note, setNote] = useState<string | null>(null);
  const writer = canWrite(me);
  const schedules = who.data?.schedules ?? [];
  const running = (escalations.data?.escalations ?? []).filter((e) => e.stoppedAt === null);
  return (
    <section>
      <h1>On call</h1>
      <Problem error={who.error} />
      {who.data && schedules.length === 0 && <Empty>No schedules are declared (micro apply).</Empty>}
      <div class="cards">
        {schedules.map((s) => (
          <div class="card" key={s.schedule}>
            <h3>{s.schedule}</h3>
            <p class="now">
              On call now: <b>{names(s.onCall)}</b>
            </p>
            <p>{s.until ? `until ${time(s.until)} (${ago(s.until)})` : 'with no end in sight'}</p>
            <p>Next: {names(s.next)}</p>
          </div>
        ))}
      </div>
      {(warnings.data?.warnings ?? []).length > 0 && (
        <>
          <h2>Warnings</h2>
          <ul class="warnings">
            {warnings.data!.warnings.map((w) => (
              <li key={w.key} class="bad">
                {w.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>The next two weeks</h2>
      {schedules.map((s) => (
        <div key={s.schedule}>
          <h3>{s.schedule}</h3>
          <Calendar schedule={s.schedule} />
        </div>
      ))}
      <h2>Overrides</h2>
      {note && <p class="note">{note}</p>}
      <Problem error={overrides.error} />
      <ul class="overrides">
        {(overrides.data?.overrides ?? []).map((o) => (
          <li key={o.id}>
            {o.schedule}: {o.kind} {o.user ?? ''} {o.with ? `→ ${o.with}` : ''} from {time(Date.parse(o.start))} to{' '}
            {time(Date.parse(o.end))} (by {o.author}){' '}
            {writer && (
              <button
                type="button"
                onClick={() =>
                  api(`/api/v1/oncall/overrides/${encodeURIComponent(o.id)}`, { method: 'DELETE' }).then(
                    () => {
                      setNote(`Removed override ${o.id}`);
                      overrides.reload();
                      who.reload();
                    },
                    (err: Error) => setNote(err.message),
                  )
                }
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {writer && schedules.length > 0 && (
        <form
          class="search"
          onSubmit={(e) => {
            e.preventDefault();
            const d = new FormData(e.currentTarget);
            const kind = String(d.get('kind'));
            const body: Record<string, string> = {
              schedule: String(d.get('schedule')),
              kind,
              start: new Date(String(d.get('start'))).toISOString(),
              end: new Date(String(d.get('end'))).toISOString(),
            };
            if (kind !== 'add') body.user = String(d.get('user'));
            if (kind !== 'remove') body.with = String(d.get('with'));
            api('/api/v1/oncall/overrides', { method: 'POST', body }).then(
              () => {
                setNote('Override added');
                overrides.reload();
                who.reload();
              },
              (err: Error) => setNote(err.message),
            );
          }}
        >
          <select name="schedule" aria-label="schedule">
            {schedules.map((s) => (
              <option key={s.schedule}>{s.schedule}</option>
            ))}
          </select>
          <select name="kind" aria-label="kind">
            <option value="replace">replace</option>
            <option value="add">add</option>
            <option value="remove">remove</option>
          </select>
          <select name="user" aria-label="who is off">
            {(users.data?.users ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          →
          <select name="with" aria-label="who takes it">
            {(users.data?.users ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          <input type="datetime-local" name="start" aria-label="start" required />
          <input type="datetime-local" name="end" aria-label="end" required />
          <button type="submit">Add override</button>
        </form>
      )}
      <h2>Escalations in progress</h2>
      <Problem error={escalations.error} />
      {escalations.data && running.length === 0 && <Empty>No escalation is running.</Empty>}
      <ul class="escalations">
        {running.map((e) => (
          <li key={`${e.alertKey}-${e.startedAt}`}>
            <b>{e.alertKey}</b> ({e.policy}) since {ago(e.startedAt)}: {e.firingReason}
            <ul>
              {e.notifications.map((n, i) => (
                <li key={i}>
                  step {n.step + 1}: {n.recipient} by {n.channel}: {n.status}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
