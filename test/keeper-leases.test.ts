// Keeper's leases against Apache ZooKeeper: the lowest candidate leads, a leaving one hands over at
// once, and a look at the candidates that Keeper answers late cannot undo a newer one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import zookeeper from 'node-zookeeper-client';
import { keeperLeases, type NamespaceLeases } from '../alerting/index.js';
import { startZooKeeper, type TestZooKeeper } from './support/zookeeper.js';

let zk: TestZooKeeper;
/** Candidates not closed yet: a failed test must not leave sessions that keep the process alive. */
const open = new Set<NamespaceLeases>();
before(async () => {
  zk = await startZooKeeper();
});
after(async () => {
  await Promise.allSettled([...open].map((l) => l.close()));
  await zk?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, f: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}\n${await zk.describe()}`);
    await sleep(20);
  }
}

/** A candidate process: its leases and what it was last told for `default`. */
async function candidate(name: string, prefix: string): Promise<{ leases: NamespaceLeases; leads: () => boolean }> {
  const leases = await keeperLeases({
    servers: [zk.address],
    sessionTimeoutMs: 3000,
    prefix,
    self: { apiUrl: `http://${name}.invalid`, instance: name },
  });
  open.add(leases);
  const close = leases.close.bind(leases);
  leases.close = async () => {
    open.delete(leases);
    await close();
  };
  let leading = false;
  leases.onChange((ns, leader) => {
    if (ns === 'default') leading = leader;
  });
  await leases.join('default');
  return { leases, leads: () => leading && leases.mayRun('default', Date.now()) };
}

test('the lowest candidate leads; the others know who; one that leaves hands over at once', async () => {
  const a = await candidate('a', '/micro-basic');
  const b = await candidate('b', '/micro-basic');
  await until('a leads', () => a.leads());
  assert.equal(b.leads(), false);
  assert.equal((await b.leases.holder('default'))?.instance, 'a');
  assert.equal(typeof (await a.leases.confirm('default')), 'number');
  assert.equal(await b.leases.confirm('default'), null, 'a follower confirms nothing');
  await a.leases.close();
  await until('b leads once a left', () => b.leads(), 3000);
  await b.leases.close();
});

test('a look at the candidates answered late does not undo the newer look that made this process lead', async () => {
  // The clients in the order the candidates open them (each candidate opens one session).
  const clients: zookeeper.Client[] = [];
  const createClient = zookeeper.createClient;
  zookeeper.createClient = (...args: Parameters<typeof createClient>) => {
    const c = createClient(...args);
    clients.push(c);
    return c;
  };
  let a: Awaited<ReturnType<typeof candidate>>;
  let b: Awaited<ReturnType<typeof candidate>>;
  try {
    a = await candidate('a', '/micro-race');
    b = await candidate('b', '/micro-race');
  } finally {
    zookeeper.createClient = createClient;
  }
  await until('a leads', () => a.leads());
  // b's next look at the candidates is answered late: its answer is held until released.
  const bClient = clients[1]!;
  const getChildren = bClient.getChildren.bind(bClient) as (...args: unknown[]) => void;
  const late: { answer?: () => void } = {};
  let holdNext = true;
  (bClient as unknown as { getChildren: (...args: unknown[]) => void }).getChildren = (...args: unknown[]) => {
    const cb = args.at(-1) as (...r: unknown[]) => void;
    if (!holdNext) return getChildren(...args);
    holdNext = false;
    getChildren(...args.slice(0, -1), (...r: unknown[]) => {
      late.answer = () => cb(...r);
    });
  };
  // A third candidate: b looks (answered late: a, b, c), then a leaves and b looks again (b, c).
  const c = await candidate('c', '/micro-race');
  await until('b asked about the candidates', () => late.answer !== undefined);
  await a.leases.close();
  await until('b leads once a left', () => b.leads());
  // The late answer still names a as the lowest: it must not take the lease from b.
  late.answer!();
  await sleep(500);
  assert.equal(b.leads(), true, 'b still leads after the late answer');
  assert.equal(c.leads(), false);
  await Promise.all([b.leases.close(), c.leases.close()]);
});
