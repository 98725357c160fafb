// Services: rate, error %, p50 and p99 with sparklines, and the service map from `deps`.
import { useState } from 'preact/hooks';
import { api, qs } from '../api';
import { Sparkline } from '../components/chart';
import { Empty, Problem, useLoad } from '../components/data';
import { RangePicker, useRange } from '../components/range';
import { duration, percent, rate } from '../format';
import { href } from '../route';
import { ServiceMap } from './service-map';
import type { Edge, SeriesAnswer, ServiceSummary } from './types';

type Column = 'service' | 'rate' | 'errorRate' | 'p50Ms' | 'p99Ms';

export function ServicesPage() {
  const range = useRange('1h');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ by: Column; desc: boolean }>({ by: 'p99Ms', desc: true });
  const list = useLoad(
    () => api<{ services: ServiceSummary[]; message?: string }>(`/api/v1/services${qs(range.params)}`),
    [range.label, range.tick],
  );
  const series = useLoad(
    () => api<SeriesAnswer>(`/api/v1/series/services${qs({ ...range.params, step: undefined })}`),
    [range.label, range.tick],
  );
  const deps = useLoad(() => api<{ edges: Edge[] }>(`/api/v1/deps${qs(range.params)}`), [range.label, range.tick]);
  const rows = (list.data?.services ?? [])
    .filter((s) => s.service.toLowerCase().includes(filter.toLowerCase()))
    .sort((a, b) => {
      const x = a[sort.by];
      const y = b[sort.by];
      const c = typeof x === 'string' ? x.localeCompare(String(y)) : Number(x) - Number(y);
      return sort.desc ? -c : c;
    });
  const head = (col: Column, label: string) => (
    <th>
      <button
        type="button"
        class="sort"
        onClick={() => setSort({ by: col, desc: sort.by === col ? !sort.desc : col !== 'service' })}
      >
        {label}
        {sort.by === col ? (sort.desc ? ' ▾' : ' ▴') : ''}
      </button>
    </th>
  );
  const stepS = (series.data?.stepMs ?? 60_000) / 1000;
  return (
    <section>
      <div class="bar">
        <h1>Services</h1>
        <RangePicker />
      </div>
      <input
        class="filter"
        placeholder="filter services"
        aria-label="filter services"
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
      />
      <Problem error={list.error} />
      {list.data && rows.length === 0 ? (
        <Empty>{list.data.message ?? 'No service matches.'}</Empty>
      ) : (
        <table class="grid services">
          <thead>
            <tr>
              {head('service', 'Service')}
              {head('rate', 'Rate')}
              <th>Rate over time</th>
              {head('errorRate', 'Errors')}
              {head('p50Ms', 'p50')}
              {head('p99Ms', 'p99')}
              <th>p99 over time</th>
              <th>Instances</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => {
              const points = series.data?.services[s.service] ?? [];
              return (
                <tr key={s.service}>
                  <td>
                    <a href={href(['services', s.service], range.params.since ? { since: range.params.since } : {})}>
                      {s.service}
                    </a>
                  </td>
                  <td class="num">{rate(s.rate)}</td>
                  <td>
                    <Sparkline label={`rate of ${s.service}`} values={points.map((p) => p.requests / stepS)} />
                  </td>
                  <td class={`num ${s.errorRate > 0.01 ? 'bad' : ''}`}>{percent(s.errorRate)}</td>
                  <td class="num">{duration(s.p50Ms)}</td>
                  <td class="num">{duration(s.p99Ms)}</td>
                  <td>
                    <Sparkline label={`p99 of ${s.service}`} color="#d8543b" values={points.map((p) => p.p99Ms)} />
                  </td>
                  <td class="num">{s.instances}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2>Service map</h2>
      <Problem error={deps.error} />
      {deps.data && <ServiceMap edges={deps.data.edges} />}
    </section>
  );
}
