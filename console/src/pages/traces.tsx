// Trace search: service, operation, span duration range, errors and attributes (all in the URL),
// a duration-over-time scatter (click a dot to open its trace) and the list.
import { api, qs } from '../api';
import { COLORS, Chart } from '../components/chart';
import { Empty, Problem, useLoad } from '../components/data';
import { RangePicker, useRange } from '../components/range';
import { ago, duration, time } from '../format';
import { href, setQuery, useRoute } from '../route';
import type { TraceSummary } from './types';

export function TracesPage() {
  const { query } = useRoute();
  const range = useRange('1h');
  const f = {
    service: query.get('service') ?? '',
    name: query.get('name') ?? '',
    minDuration: query.get('minDuration') ?? '',
    maxDuration: query.get('maxDuration') ?? '',
    errors: query.get('errors') === 'true',
    // Several key=value filters, space-separated (all must match).
    attr: (query.get('attr') ?? '').split(/\s+/).filter(Boolean),
  };
  const services = useLoad(
    () => api<{ services: Array<{ service: string }> }>(`/api/v1/services${qs(range.params)}`),
    [range.label],
  );
  const found = useLoad(
    () =>
      api<{ traces: TraceSummary[]; message?: string }>(
        `/api/v1/traces${qs({ ...range.params, ...f, attr: f.attr, limit: 200 })}`,
      ),
    [query.toString(), range.tick],
  );
  const traces = [...(found.data?.traces ?? [])].sort((a, b) => a.startMs - b.startMs);
  const longest = Math.max(1, ...traces.map((t) => t.durationMs));
  return (
    <section>
      <div class="bar">
        <h1>Traces</h1>
        <RangePicker />
      </div>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          const d = new FormData(e.currentTarget);
          const attr = String(d.get('attr') ?? '').trim();
          setQuery({
            service: String(d.get('service') ?? ''),
            name: String(d.get('name') ?? ''),
            minDuration: String(d.get('minDuration') ?? ''),
            maxDuration: String(d.get('maxDuration') ?? ''),
            errors: d.get('errors') ? 'true' : undefined,
            attr: attr || undefined,
          });
        }}
      >
        <label>
          Service
          <select name="service" defaultValue={f.service}>
            <option value="">any</option>
            {(services.data?.services ?? []).map((s) => (
              <option key={s.service} value={s.service}>
                {s.service}
              </option>
            ))}
          </select>
        </label>
        <label>
          Operation <input name="name" defaultValue={f.name} placeholder="GET /cart" />
        </label>
        <label title="a span of the trace lasted at least / at most this long">
          Span duration <input name="minDuration" defaultValue={f.minDuration} placeholder="min, 100ms" size={8} />–
          <input name="maxDuration" defaultValue={f.maxDuration} placeholder="max, 2s" size={8} />
        </label>
        <label>
          Attributes <input name="attr" defaultValue={f.attr.join(' ')} placeholder="http.status_code=500 region=eu" />
        </label>
        <label class="check">
          <input type="checkbox" name="errors" defaultChecked={f.errors} /> errors only
        </label>
        <button type="submit">Search</button>
      </form>
      <Problem error={found.error} />
      {found.data && traces.length === 0 && <Empty>{found.data.message ?? 'No trace matches.'}</Empty>}
      {traces.length > 0 && (
        <Chart
          title="Duration of the traces found, by start time (click a dot to open it)"
          x={traces.map((t) => t.startMs / 1000)}
          series={[
            {
              label: 'duration',
              color: COLORS[0]!,
              points: true,
              values: traces.map((t) => (t.errors ? null : t.durationMs)),
            },
            {
              label: 'with errors',
              color: COLORS[1]!,
              points: true,
              values: traces.map((t) => (t.errors ? t.durationMs : null)),
            },
          ]}
          format={(v) => duration(v)}
          onPick={(i) => {
            const t = traces[i];
            if (t) location.hash = href(['traces', t.traceId]);
          }}
        />
      )}
      <ul class="traces">
        {[...traces].reverse().map((t) => (
          <li key={t.traceId}>
            <a href={href(['traces', t.traceId])}>
              <span class="title">
                {t.rootService || '?'}: {t.rootOperation || '(root span missing)'}
              </span>
              <span class="meter">
                <span style={{ width: `${(100 * t.durationMs) / longest}%` }} />
              </span>
              <span class="num">{duration(t.durationMs)}</span>
            </a>
            <div class="meta">
              {t.spans} spans{t.errors ? <span class="bad"> · {t.errors} errors</span> : null} ·{' '}
              {t.services.map((s) => (
                <span class="pill" key={s}>
                  {s}
                </span>
              ))}{' '}
              · <span title={time(t.startMs)}>{ago(t.startMs)}</span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
