// bench/page-latency: from the moment an HTTP target starts failing to the page being accepted
// by an SMTP server, with a 1 s check interval and a failure threshold of 2 (the whole server on
// real timers: check engine, alert book, dispatcher, pager, nodemailer). Median and max over 20
// runs. When Prometheus, blackbox_exporter and Alertmanager are installed (Debian packages), the
// same is measured through that chain, tuned to 1 s scrape and evaluation and no group wait, in
// the same run, and the ratio printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { debianPackageInstalled } from '../test/support/debian.js';
import { makeDataDir, startTestServer } from '../test/support/server.js';
import { quantile } from './quantile.js';

const RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 20);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An SMTP server that notes when each message is accepted, and what its subject says. */
async function smtpSink(): Promise<{
  port: number;
  accepted: Array<{ at: number; subject: string }>;
  close(): Promise<void>;
}> {
  const accepted: Array<{ at: number; subject: string }> = [];
  const server = new SMTPServer({
    // No reverse DNS of the client: there is no resolver to ask here, and it is the relay's time, not ours.
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 8192) head += c.toString('latin1');
      });
      stream.on('end', () => {
        accepted.push({ at: Date.now(), subject: /^Subject: (.*)$/im.exec(head)?.[1] ?? '' });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function flakyTarget(): Promise<{ url: string; port: number; set(ok: boolean): void; close(): void }> {
  let ok = true;
  const server = http.createServer((_req, res) => res.writeHead(ok ? 200 : 500).end(ok ? 'ok' : 'down'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/health`, port, set: (v) => (ok = v), close: () => server.close() };
}

async function waitFor(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Fails the target, waits for the FIRING email, restores it, waits for RESOLVED; RUNS times. */
async function measure(
  name: string,
  target: Awaited<ReturnType<typeof flakyTarget>>,
  smtp: Awaited<ReturnType<typeof smtpSink>>,
  resolvedTimeoutMs: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Fail at a random point of the check cycle, as outages do.
    await sleep(500 + Math.random() * 1000);
    const before = smtp.accepted.length;
    const failedAt = Date.now();
    target.set(false);
    await waitFor(
      `${name}: the page`,
      () => smtp.accepted.slice(before).some((m) => /FIRING/i.test(m.subject)),
      60_000,
    );
    const page = smtp.accepted.slice(before).find((m) => /FIRING/i.test(m.subject))!;
    out.push(page.at - failedAt);
    target.set(true);
    const n = smtp.accepted.length;
    await waitFor(
      `${name}: recovery`,
      () => smtp.accepted.slice(n).some((m) => /RESOLVED/i.test(m.subject)),
      resolvedTimeoutMs,
    );
    process.stderr.write(`${name} run ${i + 1}/${RUNS}: ${out[i]} ms\n`);
  }
  return out;
}

async function microObserve(): Promise<number[]> {
  const smtp = await smtpSink();
  const target = await flakyTarget();
  const dataDir = makeDataDir();
  const server = await startTestServer(
    { logLevel: 'warn', notifications: { smtp: { host: '127.0.0.1', port: smtp.port, from: 'pager@example.com' } } },
    dataDir,
    [],
    [],
    {
      declared: {
        checks: [
          {
            name: 'web',
            service: 'web',
            interval: 1000,
            timeout: 500,
            failureThreshold: 2,
            successThreshold: 1,
            labels: { severity: 'page' },
            http: { url: target.url, method: 'GET', insecure: false, expectStatus: 200 },
          },
        ],
        users: [{ id: 'alice', email: 'alice@example.com', timezone: 'UTC', contacts: [] }],
        policies: [{ id: 'default', repeat: 0, steps: [{ notify: ['user:alice'], after: 0 }] }],
        routes: [{ match: { severity: 'page' }, policy: 'default' }],
      },
    },
  );
  try {
    await sleep(2500);
    return await measure('micro-observe', target, smtp, 30_000);
  } finally {
    await server.stop();
    target.close();
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Each peer's Debian package and its binary. */
const PEERS = {
  prometheus: { pkg: 'prometheus', file: '/usr/bin/prometheus' },
  alertmanager: { pkg: 'prometheus-alertmanager', file: '/usr/bin/prometheus-alertmanager' },
  blackbox: { pkg: 'prometheus-blackbox-exporter', file: '/usr/bin/prometheus-blackbox-exporter' },
};

/** The same through blackbox_exporter → Prometheus → Alertmanager → SMTP, tuned to the bone. */
async function prometheusChain(): Promise<number[] | null> {
  if (!Object.values(PEERS).every((p) => debianPackageInstalled(p.pkg, p.file))) return null;
  const smtp = await smtpSink();
  const target = await flakyTarget();
  const dir = makeDataDir();
  const children: ChildProcess[] = [];
  const port = (n: number) => 19000 + (process.pid % 500) * 3 + n;
  const [bb, prom, am] = [port(0), port(1), port(2)];
  mkdirSync(path.join(dir, 'prom'));
  mkdirSync(path.join(dir, 'am'));
  writeFileSync(
    path.join(dir, 'blackbox.yml'),
    'modules:\n  http_2xx:\n    prober: http\n    timeout: 900ms\n    http:\n      valid_status_codes: [200]\n',
  );
  writeFileSync(
    path.join(dir, 'rules.yml'),
    'groups:\n  - name: web\n    interval: 1s\n    rules:\n      - alert: WebDown\n        expr: probe_success{job="web"} == 0\n        for: 1s\n        labels: { severity: page }\n',
  );
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [${path.join(dir, 'rules.yml')}]
alerting: { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:${am}'] }] }] }
scrape_configs:
  - job_name: web
    metrics_path: /probe
    params: { module: [http_2xx], target: ['${target.url}'] }
    static_configs: [{ targets: ['127.0.0.1:${bb}'] }]
`,
  );
  writeFileSync(
    path.join(dir, 'alertmanager.yml'),
    `global: { smtp_smarthost: '127.0.0.1:${smtp.port}', smtp_from: 'am@example.com', smtp_require_tls: false }
route: { receiver: mail, group_by: [alertname], group_wait: 0s, group_interval: 1s, repeat_interval: 4h }
receivers: [{ name: mail, email_configs: [{ to: 'alice@example.com', send_resolved: true, headers: { Subject: '{{ .Status | toUpper }} {{ .CommonLabels.alertname }}' } }] }]
`,
  );
  const run = (bin: string, args: string[]) => {
    const c = spawn(bin, args, { stdio: 'ignore' });
    children.push(c);
  };
  try {
    run(PEERS.blackbox.file, [
      `--config.file=${path.join(dir, 'blackbox.yml')}`,
      `--web.listen-address=127.0.0.1:${bb}`,
    ]);
    run(PEERS.alertmanager.file, [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'am')}`,
      `--web.listen-address=127.0.0.1:${am}`,
      '--cluster.listen-address=',
    ]);
    run(PEERS.prometheus.file, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom')}`,
      `--web.listen-address=127.0.0.1:${prom}`,
    ]);
    await sleep(8000);
    return await measure('prometheus chain', target, smtp, 60_000);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    target.close();
    await smtp.close();
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const ours = await microObserve();
  const theirs = await prometheusChain().catch((err: unknown) => {
    process.stderr.write(`the Prometheus chain could not be measured: ${(err as Error).message}\n`);
    return null;
  });
  const line = (name: string, xs: number[]) =>
    `${name.padEnd(44)} median ${String(quantile(xs, 0.5)).padStart(5)} ms   max ${String(Math.max(...xs)).padStart(5)} ms   (${xs.length} runs)`;
  console.log('\nbench/page-latency: HTTP target fails -> page accepted by SMTP (1 s interval, failure threshold 2)');
  console.log(line('micro-observe', ours));
  if (theirs) {
    console.log(line('Prometheus + blackbox_exporter + Alertmanager', theirs));
    console.log(
      `ratio (micro-observe / Prometheus chain), median: ${(quantile(ours, 0.5) / quantile(theirs, 0.5)).toFixed(2)}`,
    );
  } else {
    console.log(
      'Prometheus chain: not installed, and it could not be installed here (apt install prometheus prometheus-alertmanager prometheus-blackbox-exporter to compare in the same run)',
    );
  }
  console.log(`target: median under 1000 ms: ${quantile(ours, 0.5) < 1000 ? 'met' : 'NOT met'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
