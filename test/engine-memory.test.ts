// The embedded engine's startup pages given back: which mappings are chosen, that the store still
// works after they are paged out, and that `micro server` does it once started (embedded only: a
// server on a ClickHouse server never loads the engine's library).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { coldEngineMappings, openStore, pageOutEngineStartup } from '../store/index.js';
import { spawnServer } from './support/child-server.js';
import { makeDataDir, removeDataDir, testDatabaseUrl } from './support/server.js';

const LIB = '/app/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so';
const mapping = (range: string, perms: string, file: string, anonymousKb: number) =>
  `${range} ${perms} 00000000 fe:00 5311435                    ${file}\n` +
  `Size:  4 kB\nRss:   4 kB\nAnonymous:  ${anonymousKb} kB\nVmFlags: rd mr\n`;

test('only the engine library’s read-only mappings that hold nothing copied on write are chosen', () => {
  const smaps = [
    mapping('7f0000000000-7f0000001000', 'r--p', LIB, 0),
    mapping('7f0000001000-7f0000003000', 'r-xp', LIB, 0),
    mapping('7f0000003000-7f0000004000', 'r--p', LIB, 12), // relocated read-only data
    mapping('7f0000004000-7f0000005000', 'rw-p', LIB, 0),
    mapping('7f0000005000-7f0000006000', 'r-xp', '/usr/bin/node', 0),
    mapping('7f0000006000-7f0000007000', 'r-xp', '/opt/libchdb-helper/x.so', 0),
    mapping('7f0000007000-7f0000008000', 'r--p', '', 0),
  ].join('');
  assert.deepEqual(coldEngineMappings(smaps), [
    { start: 0x7f0000000000n, end: 0x7f0000001000n },
    { start: 0x7f0000001000n, end: 0x7f0000003000n },
  ]);
  assert.deepEqual(coldEngineMappings(''), []);
});

/**
 * kB of the engine library's pages resident in a process: all of them, those it shares with other
 * processes, and the clean ones only it maps (the kernel pages out only those: other processes
 * running tests map the same file).
 */
const engineResidentKb = (pid: number | 'self') => {
  const kb = { rss: 0, shared: 0, privateClean: 0 };
  let inLib = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inLib = line.includes('libchdb');
    const field = /^(Rss|Shared_Clean|Shared_Dirty|Private_Clean):\s+(\d+) kB/.exec(line);
    if (!field || !inLib) continue;
    const key = field[1] === 'Rss' ? 'rss' : field[1] === 'Private_Clean' ? 'privateClean' : 'shared';
    kb[key] += Number(field[2]);
  }
  return kb;
};

test('paging out the startup pages frees their memory and the embedded store still reads and writes', async () => {
  const dataDir = makeDataDir();
  const store = await openStore({ kind: 'embedded', dataDir });
  try {
    await store.prepare({ traces: 86400, logs: 86400, metrics: 86400 });
    const before = engineResidentKb('self');
    const out = await pageOutEngineStartup();
    assert.equal(out.outcome, 'done', JSON.stringify(out));
    if (out.outcome !== 'done') return;
    assert.ok(out.advisedBytes > 100 * 2 ** 20, `advised ${out.advisedBytes} bytes`);
    const after = engineResidentKb('self');
    // What this process alone holds falls by at least half of its clean pages (4 MB of slack: the
    // engine's threads may touch a few pages meanwhile). Counted without shared pages: a test process
    // beside this one that starts the engine between the two readings maps the same pages, which then
    // are shared and stay (on a loaded CI machine RSS fell 73 MB of 162 MB private that way).
    const own = (kb: typeof before) => kb.rss - kb.shared;
    assert.ok(
      own(after) <= own(before) - before.privateClean / 2 + 4096,
      `${JSON.stringify(before)} → ${JSON.stringify(after)}`,
    );
    assert.ok(after.privateClean < Math.max(8192, before.privateClean / 4), JSON.stringify(after));
    // Pages the engine uses again come back on use.
    const at = '2026-11-28 04:00:00.000';
    await store.insertJson('micro_heartbeat_pings', [{ Namespace: 'default', Name: 'paged-back', At: at }]);
    const rows = await store.query<{ n: string }>(
      "SELECT count() AS n FROM micro_heartbeat_pings WHERE Name = 'paged-back'",
    );
    assert.equal(Number(rows[0]!.n), 1);
  } finally {
    await store.close();
    await removeDataDir(dataDir);
  }
});

test('micro server gives the pages back once started on the embedded engine, and loads no engine on a server', async () => {
  const dataDir = makeDataDir();
  const server = await spawnServer(dataDir);
  try {
    const gaveBack = server.output.find((l) => l.includes("gave back the embedded engine's startup pages"));
    if (await testDatabaseUrl(dataDir)) {
      assert.equal(gaveBack, undefined);
      assert.equal(engineResidentKb(server.proc.pid!).rss, 0, 'no engine library in a server on ClickHouse');
    } else {
      assert.ok(gaveBack, server.output.join('\n'));
      const logged = JSON.parse(gaveBack) as { advisedMB: number; rssBeforeMB: number; rssAfterMB: number };
      // How much RSS it gave back depends on what other processes (tests beside this one) map.
      assert.ok(logged.advisedMB > 100 && logged.rssBeforeMB > 0 && logged.rssAfterMB > 0, gaveBack);
    }
    assert.equal((await fetch(`${server.apiUrl}/readyz`)).status, 200);
  } finally {
    assert.equal(await server.stop(), 0);
    await removeDataDir(dataDir);
  }
});
