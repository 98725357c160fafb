// A process that wins a namespace's lease but cannot start its alerting (the store did not answer)
// starts it again while it still leads: holding the lease with nothing running would page nobody.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { createHostResolver, type LeaseListener, type NamespaceLeases } from '../alerting/index.js';
import { resolveServerConfig } from '../config/index.js';
import { createNamespaces } from '../server/index.js';
import { openStore, type Store } from '../store/index.js';
import { makeDataDir, removeDataDir } from './support/server.js';

const retention = { traces: 7 * 86400, logs: 7 * 86400, metrics: 30 * 86400 };

/** A lease this process wins at once, and can be told it lost. */
function leasesWonAtJoin(): NamespaceLeases & { lose(namespace: string): void } {
  const listeners: LeaseListener[] = [];
  const held = new Set<string>();
  return {
    async join(namespace) {
      held.add(namespace);
      for (const l of listeners) l(namespace, true, 1);
    },
    mayRun: (namespace) => held.has(namespace),
    holder: async () => null,
    onChange: (l) => listeners.push(l),
    confirm: async (namespace) => (held.has(namespace) ? 1 : null),
    async close() {},
    lose(namespace) {
      held.delete(namespace);
      for (const l of listeners) l(namespace, false, 1);
    },
  };
}

test('a namespace whose start failed is started again while this process leads it, not once it lost the lease', async () => {
  const dataDir = makeDataDir();
  const real = await openStore({ kind: 'embedded', dataDir });
  await real.prepare(retention);
  let failures = 2;
  // The store refuses the first reads, as a store that timed out under load would.
  const store: Store = Object.create(real, {
    query: {
      value: (...args: Parameters<Store['query']>) => {
        if (failures > 0) {
          failures--;
          return Promise.reject(new Error('timeout: the store did not answer'));
        }
        return real.query(...args);
      },
    },
  }) as Store;
  const leases = leasesWonAtJoin();
  const logged: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  const namespaces = createNamespaces({
    store,
    logger,
    config: resolveServerConfig({ dataDir }),
    declared: null,
    publicUrl: () => 'http://127.0.0.1:1',
    now: Date.now,
    manualClock: true,
    resolver: createHostResolver({}),
    leases,
    ingest: () => null,
  });
  try {
    await assert.rejects(namespaces.open('default'), /did not answer/);
    assert.equal(namespaces.get('default'), null);
    const t0 = Date.now();
    while (!namespaces.get('default') && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(namespaces.get('default'), `started again: ${logged.filter((l) => l.includes('namespace')).join('')}`);
    assert.equal(failures, 0);
    assert.ok(logged.some((l) => l.includes('starting the namespace again')));

    // Lost while a failed start waits to be tried again: it is not started.
    leases.lose('default');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(namespaces.get('default'), null);
    failures = 1;
    await assert.rejects(namespaces.open('other'), /did not answer/);
    leases.lose('other');
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(namespaces.get('other'), null);
  } finally {
    await namespaces.stop();
    await real.close();
    await removeDataDir(dataDir);
  }
});
