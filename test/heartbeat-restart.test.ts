// A heartbeat's last ping survives a restart of the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checksSchema } from '../config/index.js';
import { eventually } from './support/services.js';
import { makeDataDir, startTestServer, removeDataDir } from './support/server.js';

test('the last ping is remembered across a restart', async () => {
  const dataDir = makeDataDir();
  const checks = checksSchema.parse([
    { name: 'nightly-backup', interval: '1s', heartbeat: { period: '1d', grace: '1h' } },
  ]);
  let server = await startTestServer({}, dataDir, checks);
  const ping = await fetch(`${server.apiUrl}/api/v1/heartbeats/nightly-backup`, { method: 'POST' });
  assert.equal(ping.status, 200);
  const pingedAt = Date.now();
  await server.close();

  server = await startTestServer({}, dataDir, checks);
  try {
    type Health = { checks: Array<{ name: string; lastResult: { message: string } | null }> };
    const health = await eventually(
      'a heartbeat evaluation',
      async () => (await (await fetch(`${server.apiUrl}/api/v1/checks`)).json()) as Health,
      (h) => h.checks[0]?.lastResult !== null,
    );
    const m = /^last ping at (\S+); next due at (\S+)$/.exec(health.checks[0]!.lastResult!.message);
    assert.ok(m, health.checks[0]!.lastResult!.message);
    assert.ok(Math.abs(Date.parse(m[1]!) - pingedAt) < 2000, 'the ping from before the restart');
  } finally {
    await server.close();
    await removeDataDir(dataDir);
  }
});
