// Two services instrumented with the real OpenTelemetry SDK (through micro-observe's helper),
// A calling B over HTTP; every command's JSON and table output is checked against what was sent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { MICRO, eventually, micro, startService, type RunningService } from './support/services.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let checkout: RunningService;
let inventory: RunningService;
const api = () => ['--api', server.apiUrl];
const json = async <T>(args: string[]): Promise<T> => {
  const r = await micro([...args, ...api(), '-o', 'json']);
  assert.equal(r.code, 0, `micro ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

interface Trace {
  traceId: string;
  rootService: string;
  rootOperation: string;
  spans: number;
  errors: number;
  services: string[];
  durationMs: number;
}
interface Span {
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  kind: string;
  status: string;
  attributes: Record<string, string>;
}

before(async () => {
  server = await startTestServer();
  inventory = await startService('inventory', server.otlpHttpUrl, { SERVICE_VERSION: '2.0.0' });
  checkout = await startService('checkout', server.otlpHttpUrl, {
    DOWNSTREAM_URL: inventory.url,
    SERVICE_VERSION: '1.4.0',
  });
  for (let i = 0; i < 5; i++) assert.equal((await fetch(`${checkout.url}/work`)).status, 200);
  for (let i = 0; i < 2; i++) assert.equal((await fetch(`${checkout.url}/fail`)).status, 500);
  // Runtime stats are sent every 500 ms; wait for two rounds of both services.
  await eventually(
    'runtime stats of both services',
    () => json<{ instances: Array<{ memoryBytes: number | null }> }>(['stats']),
    (s) => s.instances.length === 2 && s.instances.every((i) => i.memoryBytes !== null),
  );
  await eventually(
    'every span',
    () => json<{ traces: Trace[] }>(['trace', 'checkout', '--limit', '50']),
    (t) => t.traces.length === 7 && t.traces.every((x) => x.spans === 3),
  );
});
after(async () => {
  await Promise.all([checkout?.stop(), inventory?.stop()]);
  await server.stop();
});

describe('micro trace', () => {
  test('lists the traces with root, span count and errors', async () => {
    const { traces } = await json<{ traces: Trace[] }>(['trace', 'checkout']);
    assert.equal(traces.length, 7);
    for (const t of traces) {
      assert.equal(t.rootService, 'checkout');
      assert.equal(t.spans, 3);
      assert.deepEqual(t.services, ['checkout', 'inventory']);
    }
    assert.equal(traces.filter((t) => t.errors > 0).length, 2);
    const errors = await json<{ traces: Trace[] }>(['trace', 'checkout', '--errors']);
    assert.equal(errors.traces.length, 2);
    const byAttr = await json<{ traces: Trace[] }>(['trace', '--attr', 'url.path=/fail']);
    assert.equal(byAttr.traces.length, 2);
    const slow = await json<{ traces: Trace[] }>(['trace', 'checkout', '--min-duration', '10s']);
    assert.equal(slow.traces.length, 0);
    // As a table, nothing found is the answer's sentence alone, without an empty table's header.
    const none = await micro(['trace', 'checkout', '--min-duration', '10s', ...api()]);
    assert.match(none.stdout, /^no traces match in the last .+ for "checkout"\n$/);
    const table = await micro(['trace', 'checkout', ...api()]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^TRACE ID\s+ROOT SERVICE\s+OPERATION\s+START\s+DURATION\s+SPANS\s+ERRORS$/m);
    for (const t of traces) assert.match(table.stdout, new RegExp(`^${t.traceId}\\s+checkout\\s+GET\\s`, 'm'));
  });

  test('draws one trace as a tree across both services', async () => {
    const { traces } = await json<{ traces: Trace[] }>(['trace', 'checkout', '--errors', '--limit', '1']);
    const id = traces[0]!.traceId;
    const { spans } = await json<{ spans: Span[] }>(['trace', id]);
    assert.equal(spans.length, 3);
    const root = spans.find((s) => s.parentSpanId === '')!;
    const client = spans.find((s) => s.parentSpanId === root.spanId)!;
    const downstream = spans.find((s) => s.parentSpanId === client.spanId)!;
    assert.deepEqual([root.service, root.kind], ['checkout', 'Server']);
    assert.deepEqual([client.service, client.kind], ['checkout', 'Client']);
    assert.deepEqual([downstream.service, downstream.kind], ['inventory', 'Server']);
    assert.ok(spans.every((s) => s.status === 'Error'));
    const drawn = await micro(['trace', id, ...api()]);
    assert.equal(drawn.code, 0);
    const lines = drawn.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`trace ${id}\\s+3 spans, 2 services, .*3 errors`));
    assert.match(lines[2]!, /^checkout GET\s+█+\s+\S+\s+Server\s+ERROR .*url\.path=\/fail/);
    assert.match(lines[3]!, /^└─ checkout GET\s+ *█+ *\s+\S+\s+Client\s+ERROR/);
    assert.match(lines[4]!, /^ {3}└─ inventory GET\s+ *█+ *\s+\S+\s+Server\s+ERROR/);
  });

  test('bad input: malformed and unknown trace ids', async () => {
    const malformed = await fetch(`${server.apiUrl}/api/v1/traces/not-a-trace`);
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { error: { message: string } }).error.message, /not a trace id/);
    const unknown = await micro(['trace', '0123456789abcdef0123456789abcdef', ...api()]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), 'micro: no trace 0123456789abcdef0123456789abcdef is stored');
    const badSince = await micro(['trace', 'checkout', '--since', 'last week', ...api()]);
    assert.equal(badSince.code, 2);
    assert.match(badSince.stderr, /--since: "last week" is not a duration/);
    const apiSince = await fetch(`${server.apiUrl}/api/v1/traces?since=soon`);
    assert.equal(apiSince.status, 400);
    assert.match(await apiSince.text(), /since: \\"soon\\" is not a duration/);
  });
});

describe('micro stats', () => {
  test('both instances with runtime figures, requests and errors; RED per service', async () => {
    const s = await json<{
      instances: Array<{
        service: string;
        instance: string;
        version: string;
        uptimeSeconds: number;
        cpuPercent: number;
        memoryBytes: number;
        threads: number;
        gcMs: number;
        requests: number;
        errors: number;
        startedMs: number;
      }>;
      services: Array<{
        service: string;
        requests: number;
        errors: number;
        errorRate: number;
        p50Ms: number;
        p99Ms: number;
      }>;
    }>(['stats']);
    assert.deepEqual(s.instances.map((i) => i.service).sort(), ['checkout', 'inventory']);
    for (const i of s.instances) {
      assert.match(i.instance, /^[0-9a-f-]{36}$/);
      assert.equal(i.version, i.service === 'checkout' ? '1.4.0' : '2.0.0');
      assert.ok(i.memoryBytes > 10 * 2 ** 20, 'resident memory');
      assert.ok(i.threads >= 1);
      assert.ok(i.uptimeSeconds > 0 && i.startedMs < Date.now());
      assert.ok(i.cpuPercent >= 0);
      assert.ok(i.gcMs >= 0);
      assert.equal(i.requests, 7);
      assert.equal(i.errors, 2);
    }
    for (const v of s.services) {
      assert.equal(v.requests, 7);
      assert.ok(Math.abs(v.errorRate - 2 / 7) < 1e-9);
      assert.ok(v.p99Ms >= v.p50Ms && v.p50Ms > 0);
    }
    const table = await micro(['stats', 'checkout', ...api()]);
    assert.match(
      table.stdout,
      /^SERVICE\s+INSTANCE\s+VERSION\s+STARTED\s+UPTIME\s+CPU\s+MEMORY\s+THREADS\s+GC\s+REQUESTS\s+ERRORS$/m,
    );
    assert.match(table.stdout, /^checkout\s+[0-9a-f-]{36}\s+1\.4\.0\s.*MiB\s.*\s7\s+2$/m);
    assert.match(table.stdout, /^SERVICE\s+RATE\s+RATE TREND\s+REQUESTS\s+ERROR %\s+P50\s+P95\s+P99\s+P99 TREND$/m);
    // The trends are sparklines of Unicode blocks; with -o json they are numbers.
    assert.match(table.stdout, /^checkout\s+\S+\s+[▁▂▃▄▅▆▇█]+\s+7\s+28\.6%.*\s[▁▂▃▄▅▆▇█]+$/m);
    const asJson = await json<{ services: Array<{ trend: { rate: number[]; p99Ms: number[] } }> }>([
      'stats',
      'checkout',
    ]);
    assert.ok(
      asJson.services[0]!.trend.rate.length > 0 && asJson.services[0]!.trend.rate.every((n) => typeof n === 'number'),
    );
    assert.doesNotMatch(table.stdout, /inventory/);
  });

  test('an unknown service gives an empty result with a message', async () => {
    const s = await json<{ instances: unknown[]; message: string }>(['stats', 'no-such-service']);
    assert.deepEqual(s.instances, []);
    assert.equal(s.message, 'no telemetry from "no-such-service" in the last 15 minutes');
  });

  test('--watch refreshes in place', async () => {
    const child = spawn(process.execPath, [MICRO, 'stats', '--watch', '--interval', '300ms', ...api()], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(
      'two refreshes',
      async () => out,
      (o) => o.split('\u001b[H\u001b[2J').length >= 3,
    );
    child.kill('SIGINT');
    assert.match(out, /checkout/);
  });
});

describe('micro logs', () => {
  test('lines carry the service, level and trace id of the request that wrote them', async () => {
    const { lines } = await json<{ lines: Array<{ service: string; level: string; body: string; traceId: string }> }>([
      'logs',
      'checkout',
      '-n',
      '100',
    ]);
    assert.equal(lines.filter((l) => l.body.startsWith('handling')).length, 7);
    const errors = lines.filter((l) => l.level === 'ERROR');
    assert.equal(errors.length, 2);
    const { traces } = await json<{ traces: Trace[] }>(['trace', 'checkout', '--errors']);
    assert.deepEqual(errors.map((l) => l.traceId).sort(), traces.map((t) => t.traceId).sort());
    const byTrace = await json<{ lines: Array<{ service: string }> }>(['logs', '--trace', traces[0]!.traceId]);
    assert.deepEqual(byTrace.lines.map((l) => l.service).sort(), ['checkout', 'checkout', 'inventory', 'inventory']);
    const grep = await json<{ lines: unknown[] }>(['logs', 'checkout', '--grep', 'FAILED']);
    assert.equal(grep.lines.length, 2);
    const warn = await json<{ lines: unknown[] }>(['logs', '--level', 'warn', '-n', '100']);
    assert.equal(warn.lines.length, 4);
    const tail = await micro(['logs', 'checkout', '-n', '3', ...api()]);
    const shown = tail.stdout.trim().split('\n');
    assert.equal(shown.length, 3);
    for (const line of shown)
      assert.match(line, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (INFO |ERROR) checkout .* trace=[0-9a-f]{32}$/);
  });

  test('-f follows new lines as they arrive', async () => {
    const child = spawn(process.execPath, [MICRO, 'logs', 'checkout', '-f', '-o', 'json', '--since', '1s', ...api()]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const lines = async () => out.split('\n').filter((l) => l.includes('handling /work')).length;
    // A line a request, until the command shows one: how soon it starts depends on the machine's load.
    const work = setInterval(() => void fetch(`${checkout.url}/work?follow=0`).catch(() => undefined), 300);
    try {
      await eventually('a first followed line', lines, (n) => n >= 1);
    } finally {
      clearInterval(work);
    }
    // Then two lines written after it showed one: these it can only have by following.
    const shown = await lines();
    await fetch(`${checkout.url}/work?follow=1`);
    await fetch(`${checkout.url}/work?follow=2`);
    await eventually('two followed lines', lines, (n) => n >= shown + 2);
    child.kill('SIGINT');
    for (const line of out.trim().split('\n'))
      assert.equal((JSON.parse(line) as { service: string }).service, 'checkout');
  });
});

describe('micro services and micro deps', () => {
  test('deps show checkout → inventory with its calls and errors', async () => {
    const { edges } = await json<{ edges: Array<{ parent: string; child: string; calls: number; errors: number }> }>([
      'deps',
    ]);
    const edge = edges.find((e) => e.parent === 'checkout' && e.child === 'inventory');
    assert.ok(edge);
    assert.ok(edge.calls >= 7);
    assert.equal(edge.errors, 2);
    const table = await micro(['deps', ...api()]);
    assert.match(table.stdout, /^checkout\s+→\s+inventory\s+\d+\s+2\s+\d+\.\d%$/m);
  });

  test('services lists both with their traffic', async () => {
    const { services } = await json<{
      services: Array<{ service: string; instances: number; errors: number; requests: number; rate: number }>;
    }>(['services']);
    assert.deepEqual(
      services.map((s) => [s.service, s.instances, s.errors]),
      [
        ['checkout', 1, 2],
        ['inventory', 1, 2],
      ],
    );
    // Seven requests in the window are less than one a minute: two significant digits, not 0.0/min.
    const table = await micro(['services', ...api()]);
    for (const s of services) {
      assert.ok(s.rate > 0 && s.rate * 60 < 1, `${s.service}: ${s.rate}/s`);
      const perMinute = `${Number((s.rate * 60).toPrecision(2))}/min`;
      assert.match(
        table.stdout,
        new RegExp(`^${s.service}\\s+1\\s+${s.requests}\\s+${perMinute.replace('.', '\\.')}\\s`, 'm'),
      );
    }
  });
});

describe('the API', () => {
  test('oversized limits are capped, not refused', async () => {
    const r = await fetch(`${server.apiUrl}/api/v1/traces?limit=1000000`);
    assert.equal(r.status, 200);
    const bad = await fetch(`${server.apiUrl}/api/v1/traces?limit=lots`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /MICRO_ERR_BAD_REQUEST/);
  });

  test('an OpenAPI document describes the routes', async () => {
    const doc = (await (await fetch(`${server.apiUrl}/api/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(doc.openapi, /^3\./);
    for (const p of [
      '/api/v1/services',
      '/api/v1/stats',
      '/api/v1/traces',
      '/api/v1/traces/{traceId}',
      '/api/v1/logs',
      '/api/v1/logs/follow',
      '/api/v1/deps',
    ]) {
      assert.ok(doc.paths[p], `${p} is documented`);
    }
  });

  test('an unreachable server is one sentence and a non-zero exit', async () => {
    const r = await micro(['services', '--api', 'http://127.0.0.1:59999']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^micro: cannot reach the micro-observe API at http:\/\/127\.0\.0\.1:59999: connection refused/,
    );
  });
});
