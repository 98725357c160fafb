// One alerting process leads each namespace, elected through Keeper (ClickHouse Keeper or Apache
// ZooKeeper: the same protocol). Each candidate holds an ephemeral sequential node under
// `<prefix>/leases/<namespace>`; the lowest leads. Its sequence number is the lease's fencing
// number: a later leader always holds a higher one (ZooKeeper's leader-election recipe).
// The node lives as long as the process's Keeper session: a process that dies, or is paused or
// cut off past the session timeout, loses it, and the next candidate takes over.
// "May I run?" is answered from memory (checks ask every second), but only while Keeper has
// answered within half a session timeout, measured by this process's own monotonic clock, so a
// process that wakes from a pause stops before it learns that its session ended. "May I send?"
// asks Keeper (a write to the lease node, linearizable), so a page never leaves a process that
// lost its lease, except in the instant between that answer and the send.
// Looks at the candidates overlap (a watch fires while an earlier look awaits Keeper): only the
// latest decides, since Keeper answers one session in order and the latest look saw the latest list.
// A look that fails is tried again, and every session timeout each candidacy looks again anyway:
// a watch lost with a connection must not leave a namespace with nobody leading.
import { performance } from 'node:perf_hooks';
import zookeeper from 'node-zookeeper-client';
import type { LeaseHolder, LeaseListener, NamespaceLeases } from './lease.js';

export interface KeeperLeaseOptions {
  /** host:port of each Keeper server. */
  servers: string[];
  sessionTimeoutMs: number;
  prefix: string;
  /** Who this process is, as other processes see it (its API URL, for forwarded requests). */
  self: LeaseHolder;
  onLog?: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
}

interface Candidacy {
  namespace: string;
  /** Our node's path, once created in the current session. */
  path: string | null;
  /** What our node holds (who we are, with the session), written again by each confirmation. */
  data: Buffer;
  fence: number | null;
  leader: boolean;
  holder: LeaseHolder | null;
  /** Counts looks at the candidates: a look that a later one overtook decides nothing. */
  looks: number;
  /** One watcher per session (the client keeps each distinct function until the watch fires). */
  watcher: { session: Client; fn: () => void } | null;
}

type Client = zookeeper.Client;

const SEQUENCE = /lease-(\d{10})$/;
/** How soon a look at the candidates that Keeper did not answer is tried again. */
const LOOK_AGAIN_MS = 1000;
const call = <T>(fn: (cb: (err: Error | zookeeper.Exception | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

export async function keeperLeases(o: KeeperLeaseOptions): Promise<NamespaceLeases> {
  const log = o.onLog ?? (() => undefined);
  const candidacies = new Map<string, Candidacy>();
  const listeners: LeaseListener[] = [];
  let client: Client;
  let connected = false;
  let closed = false;
  /** performance.now() of Keeper's last answer: the lease is trusted only while it is recent. */
  let lastHeard = Number.NEGATIVE_INFINITY;
  const trustMs = o.sessionTimeoutMs / 2;
  const dir = (ns: string) => `${o.prefix}/leases/${encodeURIComponent(ns)}`;
  const heard = () => (lastHeard = performance.now());
  const trusted = () => connected && performance.now() - lastHeard < trustMs;

  const tell = (c: Candidacy, leader: boolean, why: string) => {
    if (c.leader === leader) return;
    c.leader = leader;
    log(leader ? 'info' : 'warn', leader ? 'this process leads the namespace' : 'this process lost the lease', {
      namespace: c.namespace,
      fence: c.fence,
      why,
    });
    for (const l of listeners) l(c.namespace, leader, c.fence ?? 0);
  };

  const watcherOf = (c: Candidacy, session: Client): (() => void) => {
    if (c.watcher?.session !== session) c.watcher = { session, fn: () => look(c, session) };
    return c.watcher.fn;
  };

  /** Looks at the candidates now; a failed look is tried again while the session lives. */
  function look(c: Candidacy, session: Client): void {
    evaluate(c, session).catch((err: unknown) => {
      log('warn', 'could not read the lease candidates; looking again', {
        namespace: c.namespace,
        err: (err as Error).message,
      });
      setTimeout(() => {
        if (connected && session === client && !closed) look(c, session);
      }, LOOK_AGAIN_MS).unref();
    });
  }

  /** Who leads now; watches the candidates, so any change looks again. */
  async function evaluate(c: Candidacy, session: Client): Promise<void> {
    if (session !== client || !c.path) return;
    const thisLook = ++c.looks;
    const children = await call<string[]>((cb) =>
      session.getChildren(dir(c.namespace), watcherOf(c, session), (err, list) => cb(err, list)),
    );
    heard();
    // A later look was asked after this one: it saw a list at least as new, and it decides.
    if (thisLook !== c.looks || session !== client || !c.path) return;
    const sorted = children.filter((n) => SEQUENCE.test(n)).sort();
    const lowest = sorted[0];
    if (!lowest) return;
    const mine = c.path.slice(c.path.lastIndexOf('/') + 1);
    if (!sorted.includes(mine)) {
      // Our node is gone while the session lives (removed by hand): stand again.
      c.path = null;
      tell(c, false, 'the lease node was removed');
      await stand(c, session);
      return;
    }
    if (lowest === mine) {
      c.holder = o.self;
      tell(c, true, 'lowest candidate');
      return;
    }
    // Decided from the list alone; who the leader is only tells forwarded requests where to go.
    tell(c, false, 'another process leads');
    const data = await call<Buffer | undefined>((cb) =>
      session.getData(`${dir(c.namespace)}/${lowest}`, (err, d) => cb(err, d)),
    ).catch(() => undefined);
    if (thisLook === c.looks) c.holder = data ? (JSON.parse(data.toString('utf8')) as LeaseHolder) : null;
  }

  async function stand(c: Candidacy, session: Client): Promise<void> {
    await call((cb) => session.mkdirp(dir(c.namespace), (err) => cb(err, undefined)));
    c.data = Buffer.from(JSON.stringify({ ...o.self, session: session.getSessionId().toString('hex') }));
    const path = await call<string>((cb) =>
      session.create(`${dir(c.namespace)}/lease-`, c.data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (err, p) =>
        cb(err, p),
      ),
    );
    heard();
    c.path = path;
    c.fence = Number(SEQUENCE.exec(path)?.[1] ?? 0);
    await evaluate(c, session);
  }

  /** A new session; every namespace stands again (an expired session's nodes are gone). */
  function open(): Promise<void> {
    const session = zookeeper.createClient(o.servers.join(','), {
      sessionTimeout: o.sessionTimeoutMs,
      spinDelay: 200,
      retries: 0,
    });
    client = session;
    return new Promise((resolve, reject) => {
      let first = true;
      const timer = setTimeout(
        () => {
          // Closed, or every failed attempt would leave a client trying to connect for ever.
          session.close();
          reject(new Error(`no answer from Keeper at ${o.servers.join(',')} within ${o.sessionTimeoutMs} ms`));
        },
        Math.max(o.sessionTimeoutMs, 5000),
      );
      session.on('state', (state: zookeeper.State) => {
        if (session !== client) return;
        if (state === zookeeper.State.SYNC_CONNECTED) {
          connected = true;
          heard();
          if (first) {
            first = false;
            clearTimeout(timer);
            resolve();
          }
          for (const c of candidacies.values()) look(c, session);
        } else if (state === zookeeper.State.DISCONNECTED) {
          connected = false;
          // The session may outlive the connection: nothing runs meanwhile (`trusted`), nothing is torn down.
          log('warn', 'Keeper connection lost: running nothing until it is back', {});
        } else if (state === zookeeper.State.EXPIRED) {
          connected = false;
          for (const c of candidacies.values()) {
            c.path = null;
            tell(c, false, 'the Keeper session expired');
          }
          session.close();
          if (!closed) reopen();
        }
      });
      session.connect();
    });
  }

  function reopen(): void {
    open()
      .then(() => Promise.all([...candidacies.values()].map((c) => stand(c, client))))
      .catch((err: unknown) => {
        log('error', 'could not reach Keeper again; retrying', { err: (err as Error).message });
        if (!closed) setTimeout(reopen, 1000).unref();
      });
  }

  await open();
  // Keeper's pings keep the session; these reads also tell this process that Keeper answers.
  const keepAlive = setInterval(
    () => {
      if (!connected) return;
      client.exists(o.prefix, (err) => {
        if (!err) heard();
      });
    },
    Math.max(100, trustMs / 3),
  );
  keepAlive.unref();
  // Watches drive the election; this look, once a session timeout, is the net under a lost one.
  const lookAgain = setInterval(() => {
    if (connected) for (const c of candidacies.values()) look(c, client);
  }, o.sessionTimeoutMs);
  lookAgain.unref();

  return {
    async join(namespace) {
      if (candidacies.has(namespace)) return;
      const c: Candidacy = {
        namespace,
        path: null,
        data: Buffer.alloc(0),
        fence: null,
        leader: false,
        holder: null,
        looks: 0,
        watcher: null,
      };
      candidacies.set(namespace, c);
      await stand(c, client);
    },
    mayRun: (namespace) => trusted() && Boolean(candidacies.get(namespace)?.leader),
    async holder(namespace) {
      const c = candidacies.get(namespace);
      if (c) return c.leader ? o.self : c.holder;
      const children = await call<string[]>((cb) => client.getChildren(dir(namespace), (err, l) => cb(err, l))).catch(
        () => [],
      );
      const lowest = children.filter((n) => SEQUENCE.test(n)).sort()[0];
      if (!lowest) return null;
      const data = await call<Buffer | undefined>((cb) =>
        client.getData(`${dir(namespace)}/${lowest}`, (err, d) => cb(err, d)),
      ).catch(() => undefined);
      return data ? (JSON.parse(data.toString('utf8')) as LeaseHolder) : null;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    async confirm(namespace) {
      const c = candidacies.get(namespace);
      if (!c?.leader || !c.path || !trusted()) return null;
      const session = client;
      const path = c.path;
      const confirmed = await Promise.race([
        call((cb) => session.setData(path, c.data, -1, (err) => cb(err, true))).catch(() => false),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), trustMs).unref()),
      ]);
      if (!confirmed || session !== client || c.path !== path) return null;
      heard();
      return c.fence;
    },
    async close() {
      closed = true;
      clearInterval(keepAlive);
      clearInterval(lookAgain);
      for (const c of candidacies.values()) tell(c, false, 'stopping');
      // Removing our nodes hands the namespaces over at once rather than at session expiry.
      await Promise.allSettled(
        [...candidacies.values()]
          .filter((c) => c.path)
          .map((c) => call((cb) => client.remove(c.path!, -1, (err) => cb(err, undefined)))),
      );
      client.close();
    },
  };
}
