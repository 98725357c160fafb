// Logs: search by services, level, text and trace id (in the URL), a volume histogram by level,
// and live tail (the API's NDJSON stream) with pause and resume.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from '../api';
import { Chart } from '../components/chart';
import { Empty, Problem, useLoad } from '../components/data';
import { RangePicker, useRange } from '../components/range';
import { time } from '../format';
import { href, setQuery, useRoute } from '../route';
import type { LogLine } from './types';

const LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'OTHER'];
const LEVEL_COLORS: Record<string, string> = {
  ERROR: '#d8543b',
  WARN: '#e6a23c',
  INFO: '#3b6fd8',
  DEBUG: '#7f8c8d',
  OTHER: '#b0b7c3',
};
const MAX_LIVE = 2000;

function Line({ l }: { l: LogLine }) {
  return (
    <tr class={`lvl-${l.level.toLowerCase()}`}>
      <td class="t">{time(l.timeMs)}</td>
      <td class="lvl">{l.level}</td>
      <td class="svc">{l.service}</td>
      <td class="body">
        {l.body}
        {l.traceId && (
          <>
            {' '}
            <a class="trace" href={href(['traces', l.traceId])}>
              trace
            </a>
          </>
        )}
      </td>
    </tr>
  );
}

function LiveTail({ filter }: { filter: Record<string, string | undefined> }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState('connecting');
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  useEffect(() => {
    const ctl = new AbortController();
    let buffer: LogLine[] = [];
    const flush = setInterval(() => {
      if (buffer.length === 0 || pausedRef.current) return;
      const add = buffer;
      buffer = [];
      setLines((old) => [...old, ...add].slice(-MAX_LIVE));
    }, 300);
    (async () => {
      const res = await fetch(`/api/v1/logs/follow${qs(filter)}`, { signal: ctl.signal, credentials: 'same-origin' });
      if (!res.ok || !res.body) {
        setState(`stopped: ${res.status}`);
        return;
      }
      setState('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += value;
        let i = rest.indexOf('\n');
        while (i >= 0) {
          const text = rest.slice(0, i);
          rest = rest.slice(i + 1);
          const l = JSON.parse(text) as Partial<LogLine>;
          if (l.key) buffer.push(l as LogLine);
          i = rest.indexOf('\n');
        }
      }
      setState('stopped');
    })().catch((err: unknown) => {
      if (!ctl.signal.aborted) setState(`stopped: ${(err as Error).message}`);
    });
    return () => {
      ctl.abort();
      clearInterval(flush);
    };
  }, [JSON.stringify(filter)]);
  return (
    <div class="live">
      <p>
        <span class={`badge ${state === 'live' ? 'ok' : 'warn'}`}>{paused ? 'paused' : state}</span>{' '}
        <button type="button" onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>{' '}
        <button type="button" onClick={() => setLines([])}>
          Clear
        </button>{' '}
        {lines.length} lines
      </p>
      <table class="logs">
        <tbody>
          {lines.map((l) => (
            <Line key={l.key} l={l} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LogsPage() {
  const { query } = useRoute();
  const range = useRange('1h');
  const f = {
    service: query.get('service') ?? undefined,
    level: query.get('level') ?? undefined,
    grep: query.get('grep') ?? undefined,
    trace: query.get('trace') ?? undefined,
  };
  const live = query.get('live') === 'true';
  const found = useLoad(
    () => api<{ lines: LogLine[]; message?: string }>(`/api/v1/logs${qs({ ...range.params, ...f, limit: 500 })}`),
    [query.toString(), range.tick],
  );
  const volume = useLoad(
    () =>
      api<{ points: Array<{ t: number; counts: Record<string, number> }> }>(
        `/api/v1/series/logs${qs({ ...range.params, service: f.service, grep: f.grep })}`,
      ),
    [query.toString(), range.tick],
  );
  const pts = volume.data?.points ?? [];
  return (
    <section>
      <div class="bar">
        <h1>Logs</h1>
        <RangePicker />
      </div>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          const d = new FormData(e.currentTarget);
          setQuery({
            service: String(d.get('service') ?? ''),
            level: String(d.get('level') ?? ''),
            grep: String(d.get('grep') ?? ''),
            trace: String(d.get('trace') ?? ''),
          });
        }}
      >
        <label>
          Services <input name="service" defaultValue={f.service} placeholder="checkout,cart" />
        </label>
        <label>
          Level at least
          <select name="level" defaultValue={f.level ?? ''}>
            <option value="">any</option>
            {['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Text <input name="grep" defaultValue={f.grep} placeholder="timeout" />
        </label>
        <label>
          Trace id <input name="trace" defaultValue={f.trace} size={34} />
        </label>
        <button type="submit">Search</button>
        <button type="button" class={live ? 'on' : ''} onClick={() => setQuery({ live: live ? undefined : 'true' })}>
          {live ? 'Stop live tail' : 'Live tail'}
        </button>
      </form>
      {pts.length > 0 && (
        <Chart
          title="Log lines by level"
          height={120}
          x={pts.map((p) => p.t / 1000)}
          series={LEVELS.filter((lv) => pts.some((p) => p.counts[lv])).map((lv) => ({
            label: lv,
            color: LEVEL_COLORS[lv]!,
            bars: true,
            values: pts.map((p) => p.counts[lv] ?? 0),
          }))}
          format={(v) => String(Math.round(v))}
        />
      )}
      {live ? (
        <LiveTail filter={{ service: f.service, level: f.level, grep: f.grep, trace: f.trace }} />
      ) : (
        <>
          <Problem error={found.error} />
          {found.data && found.data.lines.length === 0 && <Empty>{found.data.message ?? 'No log line matches.'}</Empty>}
          <table class="logs">
            <tbody>
              {(found.data?.lines ?? []).map((l) => (
                <Line key={l.key} l={l} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
