// The time range of a view (the last 15m … 7d, or from–to) and its auto-refresh, kept in the URL.
import { useEffect, useState } from 'preact/hooks';
import { setQuery, useRoute } from '../route';
import { time } from '../format';

export const PRESETS = ['15m', '1h', '6h', '24h', '7d'];
const REFRESH: Record<string, number> = { off: 0, '10s': 10_000, '30s': 30_000, '1m': 60_000 };
const UNIT: Record<string, number> = { m: 60_000, h: 3600_000, d: 86400_000 };

export interface Range {
  /** What the API takes: `since`, or `from` and `to` in Unix ms. */
  params: { since?: string; from?: number; to?: number };
  fromMs: number;
  toMs: number;
  label: string;
  /** Changes with every auto-refresh tick, so views reload. */
  tick: number;
}

const toInput = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function useRange(fallback = '1h'): Range {
  const { query } = useRoute();
  const [tick, setTick] = useState(0);
  const refresh = REFRESH[query.get('refresh') ?? 'off'] ?? 0;
  useEffect(() => {
    if (!refresh) return;
    const t = setInterval(() => setTick((n) => n + 1), refresh);
    return () => clearInterval(t);
  }, [refresh]);
  const from = Number(query.get('from'));
  const to = Number(query.get('to'));
  if (from > 0 && to > from)
    return { params: { from, to }, fromMs: from, toMs: to, label: `${time(from)} – ${time(to)}`, tick };
  const since = query.get('since') ?? fallback;
  const m = /^(\d+)([mhd])$/.exec(since);
  const span = m ? Number(m[1]) * UNIT[m[2]!]! : 3600_000;
  const now = Date.now();
  return { params: { since }, fromMs: now - span, toMs: now, label: `last ${since}`, tick };
}

export function RangePicker({ fallback = '1h' }: { fallback?: string }) {
  const { query } = useRoute();
  const range = useRange(fallback);
  const [custom, setCustom] = useState(false);
  const current = query.get('from') ? 'custom' : (query.get('since') ?? fallback);
  return (
    <fieldset class="range" aria-label="time range">
      {PRESETS.map((p) => (
        <button
          type="button"
          key={p}
          class={current === p ? 'on' : ''}
          onClick={() => {
            setCustom(false);
            setQuery({ since: p, from: undefined, to: undefined });
          }}
        >
          {p}
        </button>
      ))}
      <button type="button" class={current === 'custom' ? 'on' : ''} onClick={() => setCustom(!custom)}>
        custom
      </button>
      {custom && (
        <form
          class="custom"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const a = new Date(String(f.get('from'))).getTime();
            const b = new Date(String(f.get('to'))).getTime();
            if (a < b) setQuery({ from: String(a), to: String(b), since: undefined });
          }}
        >
          <input type="datetime-local" name="from" defaultValue={toInput(range.fromMs)} aria-label="from" />
          <input type="datetime-local" name="to" defaultValue={toInput(range.toMs)} aria-label="to" />
          <button type="submit">apply</button>
        </form>
      )}
      <label class="refresh">
        auto-refresh{' '}
        <select
          value={query.get('refresh') ?? 'off'}
          onChange={(e) => setQuery({ refresh: e.currentTarget.value === 'off' ? undefined : e.currentTarget.value })}
        >
          {Object.keys(REFRESH).map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
