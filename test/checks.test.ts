// Checks against real loopback targets, and heartbeats with an injected clock across DST.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { generate } from 'selfsigned';
import { heartbeatStatus, runGrpcCheck, runHttpCheck, runTcpCheck } from '../alerting/index.js';

const DAY = 86400_000;
let mode: 'ok' | 'fail' | 'hang' | 'slow' = 'ok';
let target: http.Server;
let base = '';
const listen = (s: net.Server): Promise<number> =>
  new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));

before(async () => {
  target = http.createServer((_req, res) => {
    if (mode === 'hang') return; // never answers
    const answer = () => {
      if (mode === 'fail') {
        res.writeHead(500).end('boom');
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'healthy', db: { ok: true, latency: 3 } }));
    };
    if (mode === 'slow') setTimeout(answer, 300);
    else answer();
  });
  base = `http://127.0.0.1:${await listen(target)}`;
});
after(() => {
  target.closeAllConnections();
  target.close();
});

describe('http', () => {
  test('status, body and JSON path conditions', async () => {
    mode = 'ok';
    const ok = await runHttpCheck({
      url: `${base}/health`,
      timeoutMs: 1000,
      expectStatus: 200,
      bodyContains: 'healthy',
      bodyRegex: '"ok":\\s*true',
      jsonPath: { path: '$.db.ok', equals: true },
    });
    assert.equal(ok.ok, true, ok.message);
    assert.match(ok.message, /^status 200 in [\d.]+ ms$/);
    const wrongJson = await runHttpCheck({
      url: base,
      timeoutMs: 1000,
      jsonPath: { path: '$.status', equals: 'degraded' },
    });
    assert.deepEqual([wrongJson.ok, wrongJson.message], [false, '$.status is "healthy", expected "degraded"']);
    const missing = await runHttpCheck({ url: base, timeoutMs: 1000, bodyContains: 'nope' });
    assert.deepEqual([missing.ok, missing.message], [false, 'the body does not contain "nope"']);
    mode = 'fail';
    const failed = await runHttpCheck({ url: base, timeoutMs: 1000 });
    assert.deepEqual([failed.ok, failed.message], [false, 'status 500, expected 2xx']);
    const expected500 = await runHttpCheck({ url: base, timeoutMs: 1000, expectStatus: [500, 503] });
    assert.equal(expected500.ok, true);
  });

  test('a hanging target times out; a slow one breaks the response-time limit', async () => {
    mode = 'hang';
    const hung = await runHttpCheck({ url: base, timeoutMs: 200 });
    assert.deepEqual([hung.ok, hung.message], [false, 'timed out after 200 ms']);
    assert.ok(hung.latencyMs >= 190 && hung.latencyMs < 1000);
    mode = 'slow';
    const slow = await runHttpCheck({ url: base, timeoutMs: 2000, maxResponseTimeMs: 100 });
    assert.equal(slow.ok, false);
    assert.match(slow.message, /^answered in [\d.]+ ms, more than 100 ms$/);
    mode = 'ok';
  });

  test('nothing listening: connection refused', async () => {
    const r = await runHttpCheck({ url: 'http://127.0.0.1:1/', timeoutMs: 500 });
    assert.deepEqual([r.ok, r.message], [false, 'connection refused']);
  });

  test('TLS certificate expiry, judged at the injected time', async () => {
    const serve = async (notBefore: number, notAfter: number) => {
      const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
        notBeforeDate: new Date(notBefore),
        notAfterDate: new Date(notAfter),
      });
      const s = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('ok'));
      const port = await listen(s);
      return { s, url: `https://127.0.0.1:${port}/`, ca: pems.cert };
    };
    const now = Date.now();
    const soon = await serve(now - DAY, now + 3 * DAY + 3600_000);
    const fine = await runHttpCheck({ url: soon.url, timeoutMs: 2000, insecure: true }, () => now - 30 * DAY);
    assert.equal(fine.ok, true, 'a month earlier the certificate had 33 days left');
    const expiring = await runHttpCheck({ url: soon.url, timeoutMs: 2000, insecure: true }, () => now);
    assert.equal(expiring.ok, false);
    assert.match(expiring.message, /^the TLS certificate expires in 3 days/);
    const untrusted = await runHttpCheck({ url: soon.url, timeoutMs: 2000 });
    assert.deepEqual([untrusted.ok, untrusted.message], [false, 'the TLS certificate is self-signed and not trusted']);
    const expired = await serve(now - 10 * DAY, now - DAY);
    const r = await runHttpCheck({ url: expired.url, timeoutMs: 2000, insecure: true }, () => now);
    assert.equal(r.ok, false);
    assert.match(r.message, /^the TLS certificate expired on /);
    for (const x of [soon, expired]) x.s.close();
  });
});

describe('tcp', () => {
  test('connects, or says why not', async () => {
    const listener = net.createServer((c) => c.end());
    const port = await listen(listener);
    const ok = await runTcpCheck({ host: '127.0.0.1', port, timeoutMs: 500 });
    assert.equal(ok.ok, true);
    listener.close();
    await new Promise((r) => setTimeout(r, 50));
    const closed = await runTcpCheck({ host: '127.0.0.1', port, timeoutMs: 500 });
    assert.deepEqual([closed.ok, closed.message], [false, 'connection refused']);
  });
});

describe('grpc health', () => {
  test('SERVING, NOT_SERVING and unavailable', async () => {
    let status = 1;
    const server = new grpc.Server();
    server.addService(
      {
        Check: {
          path: '/grpc.health.v1.Health/Check',
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      {
        Check: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
          const w = protobuf.Writer.create();
          w.uint32(8).int32(status);
          cb(null, Buffer.from(w.finish()));
        },
      },
    );
    const port = await new Promise<number>((r, j) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))),
    );
    const address = `127.0.0.1:${port}`;
    const serving = await runGrpcCheck({ address, timeoutMs: 1000 });
    assert.equal(serving.ok, true, serving.message);
    status = 2;
    const notServing = await runGrpcCheck({ address, service: 'checkout', timeoutMs: 1000 });
    assert.deepEqual([notServing.ok, notServing.message], [false, 'health status NOT_SERVING']);
    server.forceShutdown();
    const gone = await runGrpcCheck({ address, timeoutMs: 500 });
    assert.equal(gone.ok, false);
    assert.match(gone.message, /^(unavailable|timed out)/);
  });
});

describe('heartbeats, with an injected clock', () => {
  const created = Date.UTC(2026, 0, 1);
  test('period + grace: up, late, then down; a ping brings it back', () => {
    const spec = { periodMs: DAY, graceMs: 3600_000 };
    const ping = created + 1000;
    assert.equal(heartbeatStatus(spec, null, created, created + 1000).state, 'new');
    assert.equal(heartbeatStatus(spec, ping, created, ping + DAY - 1).state, 'up');
    const late = heartbeatStatus(spec, ping, created, ping + DAY + 1000);
    assert.deepEqual([late.state, late.ok], ['late', true]);
    const down = heartbeatStatus(spec, ping, created, ping + DAY + 3600_000 + 1);
    assert.deepEqual([down.state, down.ok], ['down', false]);
    assert.match(down.message, /^no ping since 2026-01-01T00:00:01.000Z; one was due at 2026-01-02T00:00:01.000Z/);
    assert.equal(heartbeatStatus(spec, null, created, created + DAY + 3600_001).state, 'down', 'never pinged at all');
    assert.equal(heartbeatStatus(spec, ping + DAY + 3600_000 + 5, created, ping + DAY + 3600_000 + 6).state, 'up');
  });

  test('cron in New York across the spring-forward gap and the fall-back repeat', () => {
    // 02:30 does not exist on 2026-03-08 in New York (02:00 EST → 03:00 EDT).
    const spec = { cron: '30 2 * * *', timezone: 'America/New_York', graceMs: 3600_000 };
    const lastRun = Date.parse('2026-03-07T07:30:00Z'); // 02:30 EST on the 7th
    const s = heartbeatStatus(spec, lastRun, created, Date.parse('2026-03-08T08:00:00Z'));
    assert.equal(new Date(s.dueAt).toISOString(), '2026-03-08T07:30:00.000Z', 'due at 03:30 EDT, after the gap');
    assert.equal(s.state, 'late');
    assert.equal(heartbeatStatus(spec, lastRun, created, Date.parse('2026-03-08T08:30:01Z')).state, 'down');
    // cron daemons run a job of the skipped hour right after the jump: a 03:00 EDT ping counts.
    const early = Date.parse('2026-03-08T07:00:30Z');
    assert.equal(heartbeatStatus(spec, early, created, Date.parse('2026-03-08T09:00:00Z')).state, 'up');
    // 01:30 happens twice on 2026-11-01; the run is due at the first.
    const fall = { cron: '30 1 * * *', timezone: 'America/New_York', graceMs: 30 * 60_000 };
    const f = heartbeatStatus(fall, Date.parse('2026-10-31T05:30:00Z'), created, Date.parse('2026-11-01T05:45:00Z'));
    assert.equal(new Date(f.dueAt).toISOString(), '2026-11-01T05:30:00.000Z', '01:30 EDT, the first 01:30');
    assert.equal(f.state, 'late');
    assert.equal(
      heartbeatStatus(fall, Date.parse('2026-10-31T05:30:00Z'), created, Date.parse('2026-11-01T06:00:01Z')).state,
      'down',
    );
  });

  test('cron in London and Lord Howe (a 30-minute DST shift)', () => {
    const london = { cron: '0 9 * * 1-5', timezone: 'Europe/London', graceMs: 600_000 };
    const friday = Date.parse('2026-03-27T09:00:00Z'); // 09:00 GMT, Friday
    assert.equal(
      new Date(heartbeatStatus(london, friday, created, friday).dueAt).toISOString(),
      '2026-03-30T08:00:00.000Z',
      'Monday 09:00 BST',
    );
    const lordHowe = { cron: '0 12 * * *', timezone: 'Australia/Lord_Howe', graceMs: 60_000 };
    // DST ends on 2026-04-05 at 02:00 (+11:00 → +10:30).
    const before_ = Date.parse('2026-04-04T01:00:00Z'); // 12:00 +11:00
    assert.equal(
      new Date(heartbeatStatus(lordHowe, before_, created, before_).dueAt).toISOString(),
      '2026-04-05T01:30:00.000Z',
      '12:00 +10:30',
    );
  });
});
