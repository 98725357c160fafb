// Requests that hung or crashed the server, or said too much: times past JavaScript's range on the
// on-call routes, out-of-range numbers in query parameters, signed links naming a namespace that
// does not exist. Each is a 400 or 403 with a sentence; the server keeps answering throughout.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { encodeTraces, span, traceRequest } from './support/otlp-proto.js';
import { EMBEDDED_ONLY, rawFetch, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({}, undefined, [], [], {
    declared: {
      users: [
        { id: 'ana', name: 'Ana', email: 'ana@example.com' },
        { id: 'bo', name: 'Bo', email: 'bo@example.com' },
      ],
      schedules: [
        {
          id: 'primary',
          timezone: 'Europe/London',
          rotations: [{ participants: ['ana', 'bo'], shift: '1w', handoff: 'Mon 09:00' }],
        },
        {
          id: 'minutely',
          timezone: 'UTC',
          rotations: [{ participants: ['ana', 'bo'], shift: '1m', handoff: '00:00' }],
        },
      ],
    } as never,
  });
});
after(async () => {
  await server.stop();
});

const get = async (path: string) => {
  const res = await fetch(`${server.apiUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
};

test('times past the range on /oncall and the shifts route are 400 at once, and the server keeps answering', async () => {
  const huge = [
    '8639995000000000',
    '8640000000000000',
    '99999999999999999999',
    '253402300800000',
    '+275760-09-13T00:00:00Z',
    '-000001-01-01T00:00:00Z',
  ];
  for (const at of huge) {
    for (const path of [
      `/api/v1/oncall?at=${encodeURIComponent(at)}`,
      `/api/v1/oncall/schedules/primary?at=${encodeURIComponent(at)}`,
      `/api/v1/oncall/schedules/primary/shifts?from=${encodeURIComponent(at)}`,
    ]) {
      const r = await get(path);
      assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error!.message, /out of range|not a time/);
    }
  }
  // A window that starts in range and reaches past it is refused too.
  const late = Date.UTC(9999, 11, 30);
  assert.equal((await get(`/api/v1/oncall/schedules/primary/shifts?from=${late}&next=14d`)).status, 400);
  assert.equal((await get(`/api/v1/oncall?at=${late}`)).status, 400, 'who is next looks 60 days ahead');
  // The last times in range answer.
  assert.equal(
    (await get(`/api/v1/oncall/schedules/primary/shifts?from=${Date.UTC(9999, 0, 1)}&next=92d`)).status,
    200,
  );
  assert.equal((await get('/api/v1/oncall/schedules/minutely/shifts?next=92d')).status, 200);
  assert.equal((await get('/healthz')).status, 200);
});

test('out-of-range numbers in query parameters are 400, never 500', async () => {
  const cases = [
    '/api/v1/traces?since=1h&limit=1e309',
    '/api/v1/traces?since=1h&limit=-1',
    '/api/v1/traces?since=1h&limit=99999999999999999999999',
    '/api/v1/traces?since=1h&limit=NaN',
    '/api/v1/traces?since=1h&limit=Infinity',
    '/api/v1/logs?since=1h&limit=1e309',
    '/api/v1/traces?since=1h&minDuration=1e309ms',
    '/api/v1/traces?since=1h&minDuration=99999999999999999999999d',
    '/api/v1/traces?since=1h&minDuration=-5ms',
    '/api/v1/traces?since=1e309h',
    '/api/v1/stats?since=99999999999999999999y',
    '/api/v1/services?since=-1h',
    '/api/v1/alerts/x/history?limit=1e309',
    '/api/v1/audit?limit=1e309',
    '/api/v1/oncall/schedules/primary/shifts?next=1e309d',
    '/api/v1/logs?since=1h&limit=0x10',
  ];
  for (const path of cases) {
    const r = await get(path);
    assert.ok(r.status >= 200 && r.status < 500, `${path}: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.status === 400) assert.ok(r.body.error!.message.length > 5);
  }
  for (const path of [
    '/api/v1/traces?since=1h&limit=1e309',
    '/api/v1/traces?since=1h&minDuration=1e309ms',
    '/api/v1/traces?since=1e309h',
  ]) {
    assert.equal((await get(path)).status, 400, path);
  }
  assert.ok(!server.logLines.some((l) => /API handler failed/.test(l)), 'no handler failed');
});

test('a signed link or feed naming an unknown namespace is 403, the same as any invalid link, with no stack trace', async () => {
  const payload = Buffer.from(JSON.stringify(['no-such-namespace', 'alert', 1, 'ana', Date.now() + 3600_000])).toString(
    'base64url',
  );
  const forged = `${payload}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
  const before = server.logLines.length;
  for (let i = 0; i < 5; i++) {
    const page = await rawFetch(`${server.apiUrl}/ack/${forged}`);
    assert.equal(page.status, 403);
    assert.match(await page.text(), /not valid/);
    const post = await rawFetch(`${server.apiUrl}/ack/${forged}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    assert.equal(post.status, 403);
    const feed = await rawFetch(
      `${server.apiUrl}/api/v1/oncall/schedules/primary/calendar.ics?ns=no-such-namespace&token=abc`,
    );
    assert.equal(feed.status, 403);
    assert.equal(((await feed.json()) as { error: { code: string } }).error.code, 'MICRO_ERR_FEED_TOKEN_INVALID');
  }
  // An existing namespace's wrong token answers exactly the same: nothing tells which namespaces exist.
  const known = await rawFetch(`${server.apiUrl}/api/v1/oncall/schedules/primary/calendar.ics?ns=default&token=abc`);
  assert.equal(known.status, 403);
  const errors = server.logLines.slice(before).filter((l) => /"level":50/.test(l));
  assert.deepEqual(errors, [], 'no error logged');
});

test(
  'the data directory and the insert scratch files are readable by their owner only [embedded store]',
  EMBEDDED_ONLY,
  async () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    assert.equal(mode(server.dataDir), 0o700);
    assert.equal(mode(path.join(server.dataDir, 'clickhouse')), 0o700);
    const mine = readdirSync('/dev/shm').filter((n) => n.startsWith(`micro-${process.pid}-`));
    assert.equal(mine.length, 1, 'one scratch directory of this process');
    assert.equal(mode(path.join('/dev/shm', mine[0]!)), 0o700);
    // A file written there while an insert runs is 0600: watch the directory during a few inserts.
    const seen: number[] = [];
    const watcher = watch(path.join('/dev/shm', mine[0]!), (_e, name) => {
      try {
        if (name) seen.push(mode(path.join('/dev/shm', mine[0]!, name)));
      } catch {
        // removed already
      }
    });
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${server.otlpHttpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: encodeTraces(traceRequest('perm', [span(`p${i}`)])) as BodyInit,
      });
      assert.equal(r.status, 200);
    }
    watcher.close();
    assert.ok(
      seen.length > 0 && seen.every((m) => m === 0o600),
      `scratch file modes ${seen.map((m) => m.toString(8))}`,
    );
  },
);

test(
  'a data directory made by someone else with 0755 is tightened to 0700 at start [embedded store]',
  EMBEDDED_ONLY,
  async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(path.join(tmpdir(), 'micro-perm-'));
    chmodSync(dir, 0o755);
    // A separate process: chDB binds one data directory per process.
    const script = `import { startTestServer } from '${new URL('./support/server.js', import.meta.url).href}';
    const s = await startTestServer({}, ${JSON.stringify(dir)}); await s.close(); process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.ok(
      !readdirSync('/dev/shm').some((n) => n.startsWith(`micro-${r.pid}-`)),
      'the scratch directory is removed at close',
    );
    rmSync(dir, { recursive: true, force: true });
  },
);
