// bench/storage: bytes on disk per span on a realistic corpus (bench/corpus.ts: instrumented HTTP
// services, varied routes, URLs, user ids, 4 to 16 attributes a span, exceptions with stacks),
// by structure (the table, any projection of it, the trace-id lookup, the rollups), and
// trace by id on the same data, since the bytes must not be bought with its speed.
// Target (issue 15): ≤ 60 bytes a span in all, trace by id still ≤ 10 ms p50.
import { rmSync } from 'node:fs';
import { ROLLUP_TABLES, RowBinaryWriter, mergeParts, openStore, storageUse, traceById } from '../store/index.js';
import { makeDataDir } from '../test/support/server.js';
import { writeHttpServiceTraces } from './corpus.js';
import { quantile } from './quantile.js';

const SPANS = Number(process.env.BENCH_STORAGE_SPANS ?? 1_000_000);
const BATCH = 50_000;

async function main(): Promise<void> {
  const dataDir = makeDataDir();
  const store = await openStore({ kind: 'embedded', dataDir });
  try {
    await store.prepare({ traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 });
    const now = Date.now();
    const sample: string[] = [];
    let done = 0;
    let wire = 0;
    while (done < SPANS) {
      const w = new RowBinaryWriter(64 * 1024 * 1024);
      done += writeHttpServiceTraces(w, Math.min(BATCH, SPANS - done), now - 24 * 3600_000, now, sample);
      const bytes = Buffer.from(w.bytes());
      wire += bytes.length;
      const o = await store.insertRowBinary('otel_traces', bytes);
      if (o.status !== 'success') throw new Error(JSON.stringify(o));
      process.stdout.write(`\r  stored ${done.toLocaleString('en')} spans   `);
    }
    process.stdout.write('\n');
    for (const t of ['otel_traces', 'otel_traces_trace_id_ts', ...ROLLUP_TABLES] as const) await mergeParts(store, t);
    const use = await storageUse(store);
    const spans = use.find((u) => u.table === 'otel_traces')?.rows ?? 1;
    const per = (bytes: number) => (bytes / spans).toFixed(1);
    const parts = use.filter((u) => u.table.startsWith('otel_traces'));
    const total = parts.reduce((a, u) => a + u.bytes, 0);
    const table = parts.find((u) => u.table === 'otel_traces')!;
    const lookup = parts.find((u) => u.table === 'otel_traces_trace_id_ts')?.bytes ?? 0;
    const rollups = parts.filter((u) => (ROLLUP_TABLES as readonly string[]).includes(u.table));
    console.log(
      `bench/storage: ${spans.toLocaleString('en')} spans of instrumented HTTP services over 24 h ` +
        `(${(wire / done).toFixed(0)} bytes a span as RowBinary on the wire)`,
    );
    console.log(
      `  bytes on disk per span: ${per(total)} in all = table ${per(table.bytes - table.projectionBytes)}` +
        `${table.projectionBytes ? ` + its projections ${per(table.projectionBytes)}` : ''} + trace-id lookup ${per(lookup)}` +
        ` + rollups ${per(rollups.reduce((a, u) => a + u.bytes, 0))} (target ≤ 60)`,
    );
    const ids = sample.slice(0, 300);
    for (const id of ids.slice(0, 20)) await traceById(store, 'default', id); // warm-up
    const times: number[] = [];
    let spansRead = 0;
    for (const id of ids) {
      const t = performance.now();
      spansRead += (await traceById(store, 'default', id)).length;
      times.push(performance.now() - t);
    }
    const q = (p: number) => quantile(times, p).toFixed(1);
    console.log(
      `  trace by id on this corpus: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (${ids.length} traces, ` +
        `${(spansRead / ids.length).toFixed(1)} spans each)`,
    );
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
