// bench/query: trace by id (p50/p99) and the stats query, at 1M and 10M stored spans, on the
// embedded engine. Targets: trace by id ≤ 20 ms p50 at 10M and ≤ 1.5x its 1M figure; stats ≤ 100 ms.
import { rmSync } from 'node:fs';
import {
  ROLLUP_TABLES,
  RowBinaryWriter,
  instanceStats,
  mergeParts,
  openStore,
  runtimeSeries,
  serviceActivity,
  serviceSeries,
  stepFor,
  storageUse,
  traceById,
  type Store,
} from '../store/index.js';
import { makeDataDir } from '../test/support/server.js';
import { quantile } from './quantile.js';
import { BENCH_SERVICES, writeRuntimeGauges, writeTraces } from './spans.js';

const BATCH_TRACES = 10_000; // 100k spans a batch
const HOURS = 24;

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function fill(store: Store, spans: number, sample: string[], fromMs: number, toMs: number): Promise<void> {
  const started = performance.now();
  let done = 0;
  while (done < spans) {
    const w = new RowBinaryWriter(48 * 1024 * 1024);
    done += writeTraces(w, Math.min(BATCH_TRACES, (spans - done) / 10), fromMs, toMs, sample);
    const o = await store.insertRowBinary('otel_traces', Buffer.from(w.bytes()));
    if (o.status !== 'success') throw new Error(JSON.stringify(o));
    process.stdout.write(
      `\r  stored ${(done / 1e6).toFixed(1)}M spans (${Math.round(done / ((performance.now() - started) / 1000)).toLocaleString('en')} spans/s)   `,
    );
  }
  process.stdout.write('\n');
}

async function measure(
  store: Store,
  label: string,
  sample: string[],
): Promise<{ p50: number; p99: number; stats: number; statsAll: number; page: number; day: number; dayRaw: number }> {
  process.stdout.write('  merging parts (OPTIMIZE … FINAL), as background merges would... ');
  const t = await time(async () => {
    for (const t of ['otel_traces', ...ROLLUP_TABLES] as const) await mergeParts(store, t);
  });
  console.log(`${(t / 1000).toFixed(1)} s`);
  const use = await storageUse(store);
  const spans = use.find((u) => u.table === 'otel_traces')?.rows ?? 1;
  const per = (bytes: number) => (bytes / spans).toFixed(1);
  const parts = use.filter((u) => u.table.startsWith('otel_traces'));
  // A part's bytes on disk include its projections' parts.
  const total = parts.reduce((a, u) => a + u.bytes, 0);
  console.log(
    `  bytes on disk per span (these synthetic spans): ${per(total)} in all; ` +
      parts
        .map(
          (u) =>
            `${u.table} ${per(u.bytes - u.projectionBytes)}${u.projectionBytes ? ` + its projection ${per(u.projectionBytes)}` : ''}`,
        )
        .join(', '),
  );
  const ids = sample.slice(0, 300);
  for (const id of ids.slice(0, 20)) await traceById(store, 'default', id); // warm-up
  const times: number[] = [];
  for (const id of ids) {
    let n = 0;
    times.push(await time(async () => (n = (await traceById(store, 'default', id)).length)));
    if (n !== 10) throw new Error(`trace ${id} returned ${n} spans`);
  }
  const now = Date.now();
  const range = { fromMs: now - 15 * 60_000, toMs: now };
  const stats = async (services: string[]) => {
    await Promise.all([
      instanceStats(store, 'default', services, range),
      serviceActivity(store, 'default', services, range),
    ]);
  };
  const statsTimes: number[] = [];
  const statsAllTimes: number[] = [];
  const runtimeTimes: number[] = [];
  const activityTimes: number[] = [];
  for (let i = 0; i < 15; i++) {
    statsTimes.push(await time(() => stats([BENCH_SERVICES[i % BENCH_SERVICES.length]!])));
    statsAllTimes.push(await time(() => stats([])));
    runtimeTimes.push(await time(() => instanceStats(store, 'default', [], range)));
    activityTimes.push(await time(() => serviceActivity(store, 'default', [], range)));
  }
  // What the console's service page asks for (last hour): RED in steps, instances' runtime in steps,
  // and operations, in parallel as the page does.
  const hour = { fromMs: now - 3600_000, toMs: now };
  const pageTimes: number[] = [];
  for (let i = 0; i < 15; i++) {
    const svc = BENCH_SERVICES[i % BENCH_SERVICES.length]!;
    pageTimes.push(
      await time(() =>
        Promise.all([
          serviceSeries(store, 'default', [svc], hour, stepFor(hour)),
          runtimeSeries(store, 'default', svc, hour, stepFor(hour)),
          serviceActivity(store, 'default', [svc], hour),
        ]),
      ),
    );
  }
  // Stats of all services over the whole 24 hours: from the per-minute rollup, and from raw spans
  // (what every read did before the rollups), in the same run.
  const day = { fromMs: now - 24 * 3600_000, toMs: now };
  const dayTimes: number[] = [];
  const dayRawTimes: number[] = [];
  // Each in a block of its own: a raw scan of every span between two rollup reads would leave the
  // rollup reads cold, which a dashboard's consecutive reads are not.
  for (let i = 0; i < 7; i++)
    dayTimes.push(
      await time(() =>
        Promise.all([instanceStats(store, 'default', [], day), serviceActivity(store, 'default', [], day, 'auto')]),
      ),
    );
  for (let i = 0; i < 7; i++) {
    dayRawTimes.push(
      await time(() =>
        Promise.all([
          instanceStats(store, 'default', [], day, 'raw'),
          serviceActivity(store, 'default', [], day, 'raw'),
        ]),
      ),
    );
  }
  console.log(
    `  stats of all services over 24 hours: ${quantile(dayTimes, 0.5).toFixed(1)} ms with the rollup, ${quantile(dayRawTimes, 0.5).toFixed(1)} ms from raw spans (median of 7)`,
  );
  console.log(
    `  the console's service page data (one service, last hour: series, runtime, operations): median ${quantile(pageTimes, 0.5).toFixed(1)} ms, max ${Math.max(...pageTimes).toFixed(1)} ms`,
  );
  console.log(
    `  stats of all services, its two reads alone: runtime metrics ${quantile(runtimeTimes, 0.5).toFixed(1)} ms, spans (RED per service, operation, instance) ${quantile(activityTimes, 0.5).toFixed(1)} ms`,
  );
  const r = {
    p50: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    stats: quantile(statsTimes, 0.5),
    statsAll: quantile(statsAllTimes, 0.5),
    page: quantile(pageTimes, 0.5),
    day: quantile(dayTimes, 0.5),
    dayRaw: quantile(dayRawTimes, 0.5),
  };
  console.log(
    `  ${label}: trace by id p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${ids.length} traces); ` +
      `stats of one service ${r.stats.toFixed(1)} ms, of all ${r.statsAll.toFixed(1)} ms (median of 15, last 15 minutes), ` +
      `of all over 24 h ${r.day.toFixed(1)} ms`,
  );
  return r;
}

async function main(): Promise<void> {
  const total = Number(process.env.BENCH_SPANS ?? 10_000_000);
  const first = Math.min(1_000_000, total);
  const dataDir = makeDataDir();
  const store = await openStore({ kind: 'embedded', dataDir });
  try {
    await store.prepare({ traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 });
    const now = Date.now();
    const fromMs = now - HOURS * 3600_000;
    console.log(
      `bench/query: spans spread over the last ${HOURS} h, 20 services, traces of 10 spans; runtime metrics every 10 s per instance`,
    );
    const w = new RowBinaryWriter();
    writeRuntimeGauges(w, fromMs, now);
    await store.insertRowBinary('otel_metrics_gauge', Buffer.from(w.bytes()));
    const sample: string[] = [];
    await fill(store, first, sample, fromMs, now);
    const small = await measure(store, `${(first / 1e6).toFixed(0)}M spans`, sample);
    if (total > first) {
      await fill(store, total - first, sample, fromMs, now);
      const big = await measure(store, `${(total / 1e6).toFixed(0)}M spans`, sample);
      console.log(
        '\n| stored spans | trace by id p50 | p99 | stats (one service) | stats (all) | stats (all), 24 h | the same from raw spans | console service page data |\n|---|---|---|---|---|---|---|---|',
      );
      for (const [n, r] of [
        [first, small],
        [total, big],
      ] as const) {
        console.log(
          `| ${(n / 1e6).toFixed(0)}M | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.stats.toFixed(1)} ms | ${r.statsAll.toFixed(1)} ms | ${r.day.toFixed(1)} ms | ${r.dayRaw.toFixed(1)} ms | ${r.page.toFixed(1)} ms |`,
        );
      }
      console.log(
        `the console's service page data at ${(total / 1e6).toFixed(0)}M spans: ${big.page.toFixed(1)} ms (target < 200 ms)`,
      );
      console.log(
        `\ntrace by id at ${(total / 1e6).toFixed(0)}M is ${(big.p50 / small.p50).toFixed(2)}x its ${(first / 1e6).toFixed(0)}M figure (target ≤ 1.5x, and ≤ 20 ms p50); stats target ≤ 100 ms`,
      );
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
