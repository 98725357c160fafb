// A full data directory is a condition that passes, not a permanent error: OTLP/HTTP answers 503
// with Retry-After, gRPC UNAVAILABLE (both retried by OpenTelemetry SDKs), API changes 507 with
// Retry-After, /readyz says the store cannot take writes, one log line and a self-metric say why.
// Once there is room again, readiness comes back by itself and every acknowledged span is stored.
// The data directory is a 64 MiB tmpfs mounted for the test (CI runs as root) and filled up.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { after, before, test } from 'node:test';
import { encodeTraces, span, traceRequest } from './support/otlp-proto.js';
import { EMBEDDED_ONLY, startTestServer, type TestServer } from './support/server.js';
import { eventually } from './support/services.js';

const mountPoint = mkdtempSync(path.join(tmpdir(), 'micro-full-disk-'));
const filler = path.join(mountPoint, 'filler');
let server: TestServer;
let acknowledged = 0;

before(async () => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', mountPoint]);
  const dataDir = path.join(mountPoint, 'data');
  mkdirSync(dataDir);
  server = await startTestServer({}, dataDir);
});
after(async () => {
  await server?.close();
  execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

let seq = 0;
async function sendTraces(): Promise<Response> {
  const spans = Array.from({ length: 20 }, () => span(`op-${seq++}`));
  const res = await fetch(`${server.otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: encodeTraces(traceRequest('disk-svc', spans)) as BodyInit,
  });
  if (res.status === 200) acknowledged += spans.length;
  return res;
}

function grpcExport(): Promise<{ code: grpc.status; details: string }> {
  const client = new grpc.Client(server.otlpGrpcAddress, grpc.credentials.createInsecure());
  const body = Buffer.from(encodeTraces(traceRequest('disk-svc', [span('grpc-op')])));
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new grpc.Metadata(),
      (err) => {
        client.close();
        if (!err) acknowledged += 1;
        resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' });
      },
    );
  });
}

const metric = async (name: string): Promise<string> => {
  const text = await (await fetch(`${server.apiUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .join('\n');
};

test(
  'a full data directory: 503 / UNAVAILABLE / 507 with Retry-After, /readyz and a metric say why; all acknowledged is kept [embedded store]',
  EMBEDDED_ONLY,
  async () => {
    assert.equal((await sendTraces()).status, 200);
    const st = statfsSync(mountPoint);
    try {
      writeFileSync(filler, Buffer.alloc(Number(st.bavail) * Number(st.bsize)));
    } catch (err) {
      assert.equal((err as { code?: string }).code, 'ENOSPC');
    }

    const res = await sendTraces();
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After');
    assert.match(Buffer.from(await res.arrayBuffer()).toString('latin1'), /out of disk space/);
    const g = await grpcExport();
    assert.equal(g.code, grpc.status.UNAVAILABLE, g.details);

    const ready = await fetch(`${server.apiUrl}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { checks: { storeWrites: { ok: boolean; detail: string } } };
    assert.equal(body.checks.storeWrites.ok, false);
    assert.match(body.checks.storeWrites.detail, /out of disk space, so it cannot take writes/);
    assert.match(await metric('micro_store_writable'), /^micro_store_writable 0$/m);
    assert.match(await metric('micro_store_write_problem'), /micro_store_write_problem\{problem="out-of-space"\} 1/);
    const said = server.logLines.filter((l) => /out of disk space, so it cannot take writes/.test(l));
    assert.equal(said.length, 1, 'said once, not once per request');
    assert.match(said[0]!, /"level":50/);

    // A change through the API: 507 with Retry-After and a sentence, not "something went wrong".
    const apply = await fetch(`${server.apiUrl}/api/v1/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['service=disk-svc'], duration: '1h', comment: 'disk', author: 'test' }),
    });
    assert.equal(apply.status, 507, await apply.clone().text());
    assert.ok(apply.headers.get('retry-after'));
    assert.equal(((await apply.json()) as { error: { code: string } }).error.code, 'MICRO_ERR_STORE_FULL');
    assert.ok(!server.logLines.some((l) => /API handler failed/.test(l)));

    // Room again: readiness returns without any traffic (the write probe), and sends go through.
    unlinkSync(filler);
    await eventually(
      '/readyz back to 200',
      async () => (await fetch(`${server.apiUrl}/readyz`)).status,
      (s) => s === 200,
      15_000,
    );
    assert.match(await metric('micro_store_writable'), /^micro_store_writable 1$/m);
    assert.ok(server.logLines.some((l) => /the store takes writes again/.test(l)));
    assert.equal((await sendTraces()).status, 200);
    assert.equal((await grpcExport()).code, grpc.status.OK);
    const rows = await server.store.query<{ n: string }>(
      "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'disk-svc'",
    );
    assert.equal(Number(rows[0]!.n), acknowledged, 'every acknowledged span is stored, none twice');
  },
);
