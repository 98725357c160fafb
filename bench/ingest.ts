// bench/ingest: spans/s, log records/s and metric points/s end to end (OTLP protobuf over loopback → stored,
// acknowledged once stored or, while an insert runs, once in the write-ahead log), against the
// embedded engine's own insert rate for the same rows measured in the same run. Prints ratios, and
// where the server's time went.
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { OTLP_DECODERS, RequestRows } from '../collector/index.js';
import { openStore, type TableName } from '../store/index.js';
import { scrape, spawnServer } from '../test/support/child-server.js';
import { makeDataDir } from '../test/support/server.js';
import { benchRequests, type Signal } from './ingest-requests.js';
import { readsWhileIngesting, type ReadTimes } from './reads-under-ingest.js';

// 1.2M items a signal: the engine alone stores 300k in about a second, before the merges of its
// parts catch up, while end to end takes a few; at this length both run with their merges.
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1200);
const ITEMS_PER_REQUEST = 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BATCH_ROWS = 50_000;
const OVERLOAD_REQUESTS = 200;
/** Requests sent again while the API's reads are timed (after the rate is measured). */
const READ_PHASE_REQUESTS = 400;

/** Resident memory of a process, in MB (VmRSS). */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/** CPU seconds (user and system) of a process's main thread, where its JavaScript runs. */
function mainThreadCpu(pid: number): number {
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The collector's decode of the bodies into rows, alone on a quiet thread (the best of five rounds). */
function decodeSecondsPerMillion(signal: Signal, bodies: Buffer[]): number {
  const decode = OTLP_DECODERS[signal].protobuf;
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (const body of bodies) decode(body, 'default', new RequestRows());
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return (best / (bodies.length * ITEMS_PER_REQUEST)) * 1e6;
}

interface EngineRate {
  rate: number;
  cpuPerMillion: number;
  /** CPU seconds per second of the inserts: how many cores the engine kept busy. */
  cores: number;
}

/**
 * The engine's insert rate and CPU, measured in a process of its own on requests made the same way:
 * a process that has loaded the engine shares its library's pages with the server, and the server
 * cannot give back pages another process maps (its idle RSS would read as if it kept them).
 */
function engineRateApart(signal: Signal, batchRows: number): Promise<EngineRate> {
  const child = fork(process.argv[1]!, ['--engine', signal, String(batchRows)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as EngineRate));
    child.once('exit', (code) => reject(new Error(`the engine's baseline process exited with ${code}`)));
  });
}

/**
 * The engine's insert rate, and its CPU (its inserts and the merges they cause, in this process).
 * Rows are batched by table as the collector does (a metric export writes several tables), and the
 * batches inserted in the order they fill.
 */
async function engineRate(signal: Signal, bodies: Buffer[], batchRows: number): Promise<EngineRate> {
  const batches: Array<[TableName, Buffer]> = [];
  const open = new Map<TableName, { chunks: Buffer[]; rows: number }>();
  for (const body of bodies) {
    const out = new RequestRows();
    OTLP_DECODERS[signal].protobuf(body, 'default', out);
    for (const [table, w] of out.writers) {
      const b = open.get(table) ?? { chunks: [], rows: 0 };
      open.set(table, b);
      b.chunks.push(Buffer.from(w.bytes()));
      b.rows += w.rows;
      if (b.rows >= batchRows) {
        batches.push([table, Buffer.concat(b.chunks)]);
        open.delete(table);
      }
    }
  }
  for (const [table, b] of open) batches.push([table, Buffer.concat(b.chunks)]);
  const dataDir = makeDataDir();
  const store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare({ traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (const [table, b] of batches) {
    const o = await store.insertRowBinary(table, b);
    if (o.status !== 'success') throw new Error(`baseline insert failed: ${JSON.stringify(o)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  const items = bodies.length * ITEMS_PER_REQUEST;
  return {
    rate: items / seconds,
    cpuPerMillion: ((cpu.user + cpu.system) / 1e6 / items) * 1e6,
    cores: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

async function endToEndRate(
  signal: Signal,
  bodies: Buffer[],
): Promise<{
  rate: number;
  retries: number;
  where: string;
  rowsPerInsert: number;
  rss: { idle: number; settled: number; load: number; overload: number };
  reads: { idle: ReadTimes; busy: ReadTimes };
}> {
  const dataDir = makeDataDir();
  const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const server = await spawnServer(dataDir, serverArgs);
  // Idle: started, migrations done, nothing received for 5 s.
  await new Promise((r) => setTimeout(r, 5000));
  const idleRss = rssOf(server.proc.pid!);
  // V8 gives back what starting grew once it has been idle a few seconds more.
  await new Promise((r) => setTimeout(r, 15000));
  const settledRss = rssOf(server.proc.pid!);
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(server.proc.pid!))), 100);
  const cpuBefore = await scrape(server.apiUrl, 'micro_process_cpu_seconds_total');
  const mainBefore = mainThreadCpu(server.proc.pid!);
  const senderBefore = process.cpuUsage();
  let next = 0;
  let retries = 0;
  const started = performance.now();
  // Senders share this machine's two cores with the server: node's http client with kept-alive
  // connections (as the OpenTelemetry JS exporter sends) costs a quarter of fetch's CPU a request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(`${server.otlpHttpUrl}/v1/${signal}`);
  const post = (body: Buffer): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (;;) {
        const status = await post(body);
        if (status === 200) break;
        if (status !== 429 && status !== 503) throw new Error(`${signal} export answered ${status}`);
        retries++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const loadRss = peakRss;
  const text = await (await fetch(`${server.apiUrl}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
  const cpu = (await scrape(server.apiUrl, 'micro_process_cpu_seconds_total')) - cpuBefore;
  const mainThread = mainThreadCpu(server.proc.pid!) - mainBefore;
  const senderUsage = process.cpuUsage(senderBefore);
  const sender = (senderUsage.user + senderUsage.system) / 1e6;
  const decode = sum('micro_collector_decode_seconds_total');
  // Decode threads only when asked for (`--decode-threads`, 0 by default).
  const threadsFlag = serverArgs.indexOf('--decode-threads');
  const pooled = threadsFlag >= 0 && Number(serverArgs[threadsFlag + 1]) > 0;
  const insert = sum('micro_collector_flush_seconds_sum');
  const flushes = sum('micro_collector_flush_seconds_count');
  // The API's reads, with nothing arriving and then while the last requests are sent again.
  const token = readFileSync(path.join(dataDir, 'secrets', 'admin-token'), 'utf8').trim();
  const reads = await readsWhileIngesting(server.apiUrl, token, async () => {
    next = Math.max(0, bodies.length - READ_PHASE_REQUESTS);
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  });
  // Overload: 64 requests in flight (the collector answers 429 past its bound), for the peak RSS.
  next = Math.max(0, bodies.length - OVERLOAD_REQUESTS);
  await Promise.all(Array.from({ length: 64 }, worker));
  clearInterval(sampler);
  agent.destroy();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  const items = bodies.length * ITEMS_PER_REQUEST;
  const perM = (v: number) => ((v / items) * 1e6).toFixed(1);
  return {
    rate: items / seconds,
    retries,
    rowsPerInsert: Math.round(items / flushes),
    rss: { idle: idleRss, settled: settledRss, load: loadRss, overload: peakRss },
    reads,
    where:
      `wall ${seconds.toFixed(2)} s; server CPU ${cpu.toFixed(2)} s (${perM(cpu)} s per 1M: ` +
      (pooled
        ? `JavaScript: request thread ${perM(mainThread)}, decode threads ${perM(decode)} (their own time); `
        : `JavaScript thread ${perM(mainThread)}, of which decode ${perM(decode)}; `) +
      `other threads, the engine's, ${perM(cpu - mainThread - (pooled ? decode : 0))}); ` +
      `the senders (this process) ${perM(sender)} s per 1M; ` +
      `${flushes} inserts, ${insert.toFixed(2)} s in flight (${(items / flushes).toFixed(0)} rows each)`,
  };
}

const engineLine = (e: EngineRate): string =>
  `${Math.round(e.rate)} /s (${e.cpuPerMillion.toFixed(1)} CPU-s per 1M, ${e.cores.toFixed(2)} cores)`;

async function main(): Promise<void> {
  console.log(
    `bench/ingest: ${REQUESTS} requests x ${ITEMS_PER_REQUEST} items per signal, ${CONCURRENCY} in flight, OTLP/HTTP protobuf over loopback`,
  );
  const results: string[] = [];
  const signals = (process.env.BENCH_SIGNALS ?? 'traces,logs,metrics').split(',') as Signal[];
  for (const signal of signals) {
    process.stdout.write(`  encoding ${signal} requests... `);
    const bodies = requestsOf(signal);
    const mb = bodies.reduce((a, b) => a + b.length, 0) / 2 ** 20;
    console.log(`${mb.toFixed(1)} MiB (${Math.round((mb * 2 ** 20) / (REQUESTS * ITEMS_PER_REQUEST))} bytes an item)`);
    console.log(
      `  decode alone, in this process, best of 5: ${decodeSecondsPerMillion(signal, bodies).toFixed(2)} s per 1M`,
    );
    process.stdout.write(
      `  engine baseline (RowBinary straight into embedded ClickHouse, ${BATCH_ROWS}-row batches)... `,
    );
    const engine = await engineRateApart(signal, BATCH_ROWS);
    console.log(engineLine(engine));
    process.stdout.write('  end to end (collector, acknowledged once stored, or logged while an insert runs)... ');
    const e2e = await endToEndRate(signal, bodies);
    console.log(`${Math.round(e2e.rate)} /s`);
    console.log(`    ${e2e.where}; ${e2e.retries} retried after 429`);
    console.log(
      `    server RSS: idle ${e2e.rss.idle.toFixed(0)} MB at 5 s (${e2e.rss.settled.toFixed(0)} MB at 20 s), ` +
        `under this load ${e2e.rss.load.toFixed(0)} MB, ` +
        `64 requests in flight ${e2e.rss.overload.toFixed(0)} MB (peak)`,
    );
    const { idle, busy } = e2e.reads;
    console.log(
      `    the API's services and stats reads while ingesting: p50 ${busy.p50.toFixed(1)} ms, p99 ${busy.p99.toFixed(1)} ` +
        `(${busy.reads} reads), ${(busy.p50 / idle.p50).toFixed(1)}x the p50 with nothing arriving ` +
        `(${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)})`,
    );
    process.stdout.write(`  engine at the batch size end to end formed (${e2e.rowsPerInsert} rows)... `);
    const same = await engineRateApart(signal, e2e.rowsPerInsert);
    console.log(engineLine(same));
    const unit = { traces: 'spans/s', logs: 'log records/s', metrics: 'metric points/s' }[signal];
    const n = (v: number) => Math.round(v).toLocaleString('en');
    const ratio = (base: number) => (e2e.rate / base).toFixed(2);
    results.push(
      `| ${signal} | ${n(e2e.rate)} ${unit} | ${n(engine.rate)} | ${ratio(engine.rate)} ` +
        `| ${n(same.rate)} | ${ratio(same.rate)} |`,
    );
  }
  console.log(
    `\n| signal | end to end | engine, ${BATCH_ROWS}-row batches | ratio | engine, same batches as end to end | ratio |\n|---|---|---|---|---|---|`,
  );
  for (const r of results) console.log(r);
}

const requestsOf = (signal: Signal): Buffer[] => benchRequests(signal, REQUESTS, ITEMS_PER_REQUEST);

async function engineProcess(signal: Signal, batchRows: number): Promise<void> {
  const rate = await engineRate(signal, requestsOf(signal), batchRows);
  process.send!(rate, () => process.exit(0));
}

const engineArgs = process.argv.indexOf('--engine');
(engineArgs > 0
  ? engineProcess(process.argv[engineArgs + 1] as Signal, Number(process.argv[engineArgs + 2]))
  : main()
).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
