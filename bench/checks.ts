// bench/checks: 10k HTTP checks against a loopback server, run by the engine on real timers.
// Prints the checks per second it sustains and how late checks start against their schedule,
// next to the raw capacity of the same check executor (closed loop) measured in the same run.
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkJob, createAlertBook, createHostResolver, createCheckEngine, runHttpCheck } from '../alerting/index.js';
import { checksSchema } from '../config/index.js';
import { openStore } from '../store/index.js';
import { makeDataDir } from '../test/support/server.js';

const CHECKS = Number(process.env.BENCH_CHECKS ?? 10_000);
const INTERVAL_S = Number(process.env.BENCH_CHECK_INTERVAL ?? 10);
const SECONDS = Number(process.env.BENCH_CHECK_SECONDS ?? 30);

const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

async function main(): Promise<void> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;

  // Baseline: the same executor in a closed loop, 256 at a time, for 5 s.
  let done = 0;
  const until = performance.now() + 5000;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (performance.now() < until) {
        await runHttpCheck({ url, timeoutMs: 2000 });
        done++;
      }
    }),
  );
  const capacity = done / 5;
  console.log(`bench/checks: baseline, the HTTP check executor in a closed loop: ${Math.round(capacity)} checks/s`);

  const dataDir = makeDataDir();
  const store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare({ traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 });
  const book = createAlertBook(store, async () => undefined);
  const lateness: number[] = [];
  let failed = 0;
  const engine = createCheckEngine({
    book,
    namespace: 'bench',
    maxConcurrent: 256,
    onStart: (_name, scheduledAt, startedAt) => lateness.push(startedAt - scheduledAt),
    onError: () => failed++,
  });
  const checks = checksSchema.parse(
    Array.from({ length: CHECKS }, (_, i) => ({
      name: `c${i}`,
      interval: `${INTERVAL_S}s`,
      http: { url, timeout: '2s' },
    })),
  );
  const t0 = Date.now();
  engine.setJobs(
    checks.map((c) => checkJob(c, createHostResolver())),
    t0,
  );
  engine.start();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  await engine.stop();
  const elapsed = (Date.now() - t0) / 1000;
  const ok = engine.status().filter((s) => s.lastResult?.ok).length;
  const target = CHECKS / INTERVAL_S;
  const rate = lateness.length / elapsed;
  console.log(
    `  ${CHECKS} checks every ${INTERVAL_S} s for ${SECONDS} s: ${lateness.length} runs, ${Math.round(rate)} checks/s sustained (target ${Math.round(target)}/s); ${ok} last results ok, ${failed} errors`,
  );
  console.log(
    `  start jitter (how late against the schedule): p50 ${q(lateness, 0.5).toFixed(1)} ms, p99 ${q(lateness, 0.99).toFixed(1)} ms, max ${Math.max(...lateness).toFixed(1)} ms`,
  );
  console.log(
    `\n| checks | sustained | target | ratio | capacity (closed loop) | load | start jitter p50 | p99 |\n|---|---|---|---|---|---|---|---|`,
  );
  console.log(
    `| ${CHECKS} | ${Math.round(rate)}/s | ${Math.round(target)}/s | ${(rate / target).toFixed(2)} | ${Math.round(capacity)}/s | ${(target / capacity).toFixed(2)} | ${q(lateness, 0.5).toFixed(1)} ms | ${q(lateness, 0.99).toFixed(1)} ms |`,
  );
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  server.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
