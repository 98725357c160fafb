// bench/checks: 10k HTTP checks against a loopback target (its own process), run by the engine on
// real timers: the checks per second it sustains, how late checks start, and the checks per
// CPU-second of the engine's process. In the same run, Prometheus's blackbox_exporter (Debian
// package) probes the same target at the same rate, and its probes per CPU-second are printed beside.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkJob, createAlertBook, createHostResolver, createCheckEngine, runHttpCheck } from '../alerting/index.js';
import { checksSchema } from '../config/index.js';
import { openStore } from '../store/index.js';
import { debianPackageInstalled } from '../test/support/debian.js';
import { makeDataDir } from '../test/support/server.js';
import { quantile } from './quantile.js';

const CHECKS = Number(process.env.BENCH_CHECKS ?? 10_000);
const INTERVAL_S = Number(process.env.BENCH_CHECK_INTERVAL ?? 10);
const SECONDS = Number(process.env.BENCH_CHECK_SECONDS ?? 30);
const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';

/** CPU seconds this process has used. */
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds another process has used (utime + stime from /proc, in clock ticks of 1/100 s). */
const cpuOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** The target: a plain HTTP server in a process of its own, so neither side's CPU counts its work. */
async function startTarget(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(process.argv[1]!, ['--target'], { stdio: 'inherit' });
  const port = await new Promise<number>((r) => child.once('message', (m) => r(Number(m))));
  return { url: `http://127.0.0.1:${port}/health`, child };
}

function serveTarget(): void {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
}

async function ours(url: string) {
  // Capacity: the HTTP check executor alone in a closed loop, 256 at a time, for 5 s.
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
  console.log(`bench/checks: the HTTP check executor in a closed loop: ${Math.round(capacity)} checks/s`);

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
  // The first interval spreads the checks' first runs; CPU is counted over the steady state after it.
  await new Promise((r) => setTimeout(r, INTERVAL_S * 1000));
  const [runs0, cpu0, at0] = [lateness.length, ownCpu(), performance.now()];
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const steady = { runs: lateness.length - runs0, cpu: ownCpu() - cpu0, seconds: (performance.now() - at0) / 1000 };
  await engine.stop();
  const elapsed = (Date.now() - t0) / 1000;
  const ok = engine.status().filter((s) => s.lastResult?.ok).length;
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(
    `  ${CHECKS} checks every ${INTERVAL_S} s for ${Math.round(elapsed)} s: ${lateness.length} runs, ${Math.round(steady.runs / steady.seconds)} checks/s in the steady state; ${ok} last results ok, ${failed} errors`,
  );
  console.log(
    `  start jitter (how late against the schedule): p50 ${quantile(lateness, 0.5).toFixed(1)} ms, p99 ${quantile(lateness, 0.99).toFixed(1)} ms, max ${Math.max(...lateness).toFixed(1)} ms`,
  );
  console.log(`  the engine's process: ${steady.cpu.toFixed(2)} CPU-s for ${steady.runs} checks`);
  return { capacity, lateness, rate: steady.runs / steady.seconds, perCpu: steady.runs / steady.cpu };
}

/** blackbox_exporter probing the same target at `rate` probes a second for `seconds`, driven from here. */
async function blackbox(
  url: string,
  rate: number,
  seconds: number,
): Promise<{ perCpu: number; probes: number } | null> {
  if (!debianPackageInstalled('prometheus-blackbox-exporter', BLACKBOX)) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'micro-bb-'));
  writeFileSync(path.join(dir, 'blackbox.yml'), 'modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n');
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const bb = spawn(
    BLACKBOX,
    [`--config.file=${path.join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`],
    {
      stdio: 'ignore',
    },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const probeUrl = `http://127.0.0.1:${port}/probe?module=http_2xx&target=${encodeURIComponent(url)}`;
  let failures = 0;
  const probe = () =>
    new Promise<void>((resolve) => {
      http
        .get(probeUrl, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => {
            if (!body.includes('\nprobe_success 1')) failures++;
            resolve();
          });
        })
        .on('error', () => {
          failures++;
          resolve();
        });
    });
  try {
    for (let i = 0; i < 50; i++) {
      const up = await new Promise<boolean>((r) =>
        http.get(`http://127.0.0.1:${port}/`, (res) => r(!!res.resume())).on('error', () => r(false)),
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Paced like the engine's schedule: every 10 ms, a hundredth of a second's probes.
    const pending: Promise<void>[] = [];
    const tick = async (probes: number) => {
      for (let i = 0; i < probes; i++) pending.push(probe());
    };
    const [cpu0, at0] = [cpuOf(bb.pid!), performance.now()];
    let sent = 0;
    while (performance.now() - at0 < seconds * 1000) {
      const due = Math.floor(((performance.now() - at0) / 1000) * rate);
      await tick(due - sent);
      sent = due;
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(pending);
    const cpu = cpuOf(bb.pid!) - cpu0;
    console.log(
      `blackbox_exporter: ${sent} probes at ${rate}/s for ${seconds} s, ${failures} failed; its process: ${cpu.toFixed(2)} CPU-s`,
    );
    return { perCpu: sent / cpu, probes: sent };
  } finally {
    agent.destroy();
    bb.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const target = await startTarget();
  try {
    const me = await ours(target.url);
    const rate = CHECKS / INTERVAL_S;
    const theirs = await blackbox(target.url, rate, Math.min(SECONDS, 20));
    console.log(
      `\n| checks | sustained | target | capacity (closed loop) | start jitter p50 | p99 | checks per CPU-s | blackbox_exporter probes per CPU-s | ratio |\n|---|---|---|---|---|---|---|---|---|`,
    );
    console.log(
      `| ${CHECKS} | ${Math.round(me.rate)}/s | ${Math.round(rate)}/s | ${Math.round(me.capacity)}/s | ${quantile(me.lateness, 0.5).toFixed(1)} ms | ${quantile(me.lateness, 0.99).toFixed(1)} ms | ${Math.round(me.perCpu)} | ${theirs ? Math.round(theirs.perCpu) : 'not installed'} | ${theirs ? (me.perCpu / theirs.perCpu).toFixed(2) : '-'} |`,
    );
    if (!theirs)
      console.log(
        'blackbox_exporter: not installed, and it could not be installed here (apt install prometheus-blackbox-exporter to compare in the same run)',
      );
  } finally {
    target.child.kill();
  }
}

if (process.argv.includes('--target')) serveTarget();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
