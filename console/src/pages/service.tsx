// One service: rate, errors and p50/p95/p99 over time, runtime stats per instance (cpu, memory,
// threads, GC), its operations, and the way to its traces and logs. Cursors move together.
import { api, qs, type Me } from '../api';
import { COLORS, Chart } from '../components/chart';
import { Empty, Problem, useLoad } from '../components/data';
import { RangePicker, useRange } from '../components/range';
import { bytes, duration, percent, rate } from '../format';
import { href } from '../route';
import type { Red, SeriesAnswer } from './types';

interface RuntimeAnswer {
  stepMs: number;
  instances: Array<{
    instance: string;
    cpuPercent: Array<[number, number]>;
    memoryBytes: Array<[number, number]>;
    threads: Array<[number, number]>;
    gcMs: Array<[number, number]>;
  }>;
}
type Operation = Red & { service: string; operation: string };

/** Instances' series on one x axis (a time missing for one instance is a gap). */
function align(series: Array<{ label: string; points: Array<[number, number]> }>) {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  return {
    x: xs.map((t) => t / 1000),
    series: series.map((s, i) => {
      const m = new Map(s.points);
      return { label: s.label, color: COLORS[i % COLORS.length]!, values: xs.map((t) => m.get(t) ?? null) };
    }),
  };
}

export function ServicePage({ name }: { name: string; me: Me }) {
  const range = useRange('1h');
  const red = useLoad(
    () => api<SeriesAnswer>(`/api/v1/series/services${qs({ ...range.params, service: name })}`),
    [name, range.label, range.tick],
  );
  const runtime = useLoad(
    () => api<RuntimeAnswer>(`/api/v1/series/services/${encodeURIComponent(name)}/runtime${qs(range.params)}`),
    [name, range.label, range.tick],
  );
  const stats = useLoad(
    () => api<{ operations: Operation[] }>(`/api/v1/stats${qs({ service: name, since: range.params.since ?? '1h' })}`),
    [name, range.label, range.tick],
  );
  const points = red.data?.services[name] ?? [];
  const stepS = (red.data?.stepMs ?? 60_000) / 1000;
  const x = points.map((p) => p.t / 1000);
  const sync = `service-${name}`;
  const shown: [number, number] = [red.data?.from ?? range.fromMs, red.data?.to ?? range.toMs];
  const perInstance = (pick: (i: RuntimeAnswer['instances'][number]) => Array<[number, number]>) =>
    align((runtime.data?.instances ?? []).map((i) => ({ label: i.instance, points: pick(i) })));
  return (
    <section>
      <div class="bar">
        <h1>
          <a href={href(['services'])}>Services</a> / {name}
        </h1>
        <RangePicker />
      </div>
      <p class="links">
        <a href={href(['traces'], { service: name })}>Traces of {name}</a> ·{' '}
        <a href={href(['traces'], { service: name, errors: 'true' })}>Error traces</a> ·{' '}
        <a href={href(['logs'], { service: name })}>Logs</a> ·{' '}
        <a href={href(['logs'], { service: name, level: 'error' })}>Error logs</a>
      </p>
      <Problem error={red.error} />
      {red.data && points.length === 0 && <Empty>No requests to {name} in this range.</Empty>}
      {points.length > 0 && (
        <div class="charts">
          <Chart
            title="Requests per second"
            sync={sync}
            range={shown}
            x={x}
            series={[{ label: 'rate', color: COLORS[0]!, values: points.map((p) => p.requests / stepS) }]}
            format={(v) => rate(v)}
          />
          <Chart
            title="Errors"
            sync={sync}
            range={shown}
            x={x}
            series={[
              {
                label: 'error %',
                color: COLORS[1]!,
                values: points.map((p) => (p.requests ? (100 * p.errors) / p.requests : 0)),
              },
            ]}
            format={(v) => `${v.toFixed(1)}%`}
          />
          <Chart
            title="Latency"
            sync={sync}
            range={shown}
            x={x}
            series={[
              { label: 'p50', color: COLORS[2]!, values: points.map((p) => p.p50Ms) },
              { label: 'p95', color: COLORS[4]!, values: points.map((p) => p.p95Ms) },
              { label: 'p99', color: COLORS[1]!, values: points.map((p) => p.p99Ms) },
            ]}
            format={(v) => duration(v)}
          />
        </div>
      )}
      <h2>Instances</h2>
      <Problem error={runtime.error} />
      {runtime.data && runtime.data.instances.length === 0 && (
        <Empty>No runtime metrics from {name}'s instances in this range.</Empty>
      )}
      {runtime.data && runtime.data.instances.length > 0 && (
        <div class="charts">
          {(
            [
              ['CPU', (i) => i.cpuPercent, (v) => `${v.toFixed(1)}%`],
              ['Memory', (i) => i.memoryBytes, (v) => bytes(v)],
              ['Threads', (i) => i.threads, (v) => String(Math.round(v))],
              ['GC time per step', (i) => i.gcMs, (v) => duration(v)],
            ] as Array<
              [string, (i: RuntimeAnswer['instances'][number]) => Array<[number, number]>, (v: number) => string]
            >
          )
            // A stat no instance sends (no GC metrics from this runtime, say) gets no empty chart.
            .filter(([, pick]) => runtime.data!.instances.some((i) => pick(i).length > 0))
            .map(([title, pick, format]) => (
              <Chart key={title} title={title} sync={sync} range={shown} {...perInstance(pick)} format={format} />
            ))}
        </div>
      )}
      <h2>Operations</h2>
      <Problem error={stats.error} />
      <table class="grid">
        <thead>
          <tr>
            <th>Operation</th>
            <th>Rate</th>
            <th>Errors</th>
            <th>p50</th>
            <th>p95</th>
            <th>p99</th>
          </tr>
        </thead>
        <tbody>
          {(stats.data?.operations ?? [])
            .filter((o) => o.service === name)
            .map((o) => (
              <tr key={o.operation}>
                <td>
                  <a href={href(['traces'], { service: name, name: o.operation })}>{o.operation}</a>
                </td>
                <td class="num">{rate(o.rate)}</td>
                <td class={`num ${o.errorRate > 0.01 ? 'bad' : ''}`}>{percent(o.errorRate)}</td>
                <td class="num">{duration(o.p50Ms)}</td>
                <td class="num">{duration(o.p95Ms)}</td>
                <td class="num">{duration(o.p99Ms)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
