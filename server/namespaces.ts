// Wiring: one alerting runtime and one on-call runtime per namespace this process leads. Every
// namespace with tokens or declarations is stood for at start, and a new one on demand; a runtime
// starts when the namespace's lease is won (loading the alert book and the notification log
// afresh, so a new leader resumes where the last one stopped) and stops when it is lost. The
// runtimes are alerting's and oncall's; here they are only put together.
import type { Logger } from 'pino';
import {
  createAlertingRuntime,
  type AlertingRuntime,
  type Declared,
  type HostResolver,
  type NamespaceLeases,
} from '../alerting/index.js';
import type { ServerConfig } from '../config/index.js';
import { createOnCallRuntime, loadSigningKey, openSecret, type OnCallRuntime } from '../oncall/index.js';
import { createScraper, type IngestContext, type Scraper } from '../collector/index.js';
import type { Store } from '../store/index.js';

export interface NamespaceRuntime {
  alerting: AlertingRuntime;
  oncall: OnCallRuntime;
  scraper: Scraper;
}

export interface Namespaces {
  /** Stands for the namespace's lease; its runtime once running here, or null (another process leads). */
  open(namespace: string): Promise<NamespaceRuntime | null>;
  /** The namespace's runtime when this process leads it. */
  get(namespace: string): NamespaceRuntime | null;
  /** `[namespace, service]` pairs other namespaces expose to `reader`. */
  sharedWith(reader: string): Array<[string, string]>;
  stop(): Promise<void>;
}

export interface NamespacesOptions {
  store: Store;
  logger: Logger;
  config: ServerConfig;
  /** micro.yaml's declarations, applied to the `default` namespace. */
  declared: Declared | null;
  publicUrl: () => string;
  now: () => number;
  manualClock?: boolean;
  resolver: HostResolver;
  leases: NamespaceLeases;
  /** Where a namespace's scrapes of declared /metrics endpoints are stored (once the pipeline exists). */
  ingest: () => IngestContext | null;
}

/** How long after a failed start a namespace this process still leads is started again. */
const START_RETRY_MS = 2000;

export function createNamespaces(o: NamespacesOptions): Namespaces {
  const running = new Map<string, NamespaceRuntime>();
  /** Per namespace, the last start or stop asked for: they run one after another. */
  const changes = new Map<string, Promise<void>>();
  /** The same, unsettled: `open` passes on a failure to start. */
  const lastChange = new Map<string, Promise<void>>();
  /** Per namespace, whether this process holds its lease now (a failed start is tried again while so). */
  const leading = new Map<string, boolean>();
  let stopped = false;

  async function start(namespace: string): Promise<NamespaceRuntime> {
    let oncall: OnCallRuntime | null = null;
    // The signing key is read once, when a sealed token first needs it (not at every scrape).
    let signingKey: Buffer | undefined;
    const key = (): Buffer => {
      signingKey ??= loadSigningKey(o.config.dataDir);
      return signingKey;
    };
    const scraper = createScraper({
      ctx: o.ingest,
      namespace,
      logger: o.logger.child({ component: 'scrape', namespace }),
      now: o.now,
      // A bearer token given to `micro apply` is stored sealed with the signing key.
      bearer: (job) =>
        job.bearerToken ??
        (job.bearerTokenSealed ? (openSecret(key(), job.bearerTokenSealed) ?? undefined) : undefined),
    });
    const alerting = await createAlertingRuntime({
      onDeclared: (d) => scraper.setJobs(d.scrape ?? []),
      namespace,
      store: o.store,
      logger: o.logger,
      fromFile: namespace === 'default' ? o.declared : null,
      now: o.now,
      manualClock: o.manualClock,
      resolver: o.resolver,
      lease: o.leases,
      paging: async (book) => {
        oncall = await createOnCallRuntime({
          namespace,
          store: o.store,
          logger: o.logger.child({ namespace }),
          notifications: o.config.notifications,
          dataDir: o.config.dataDir,
          publicUrl: o.publicUrl,
          book,
          now: o.now,
          confirmLease: () => o.leases.confirm(namespace),
        });
        return oncall;
      },
    });
    alerting.start();
    return { alerting, oncall: oncall!, scraper };
  }

  async function halt(r: NamespaceRuntime): Promise<void> {
    r.scraper.stop();
    await r.alerting.stop();
  }

  /** Brings the namespace's runtime in line with the lease (queued behind earlier changes). */
  function follow(namespace: string, leader: boolean): Promise<void> {
    leading.set(namespace, leader);
    const next = (changes.get(namespace) ?? Promise.resolve()).then(async () => {
      const have = running.get(namespace);
      if (leader && !have && !stopped) running.set(namespace, await start(namespace));
      if (!leader && have) {
        running.delete(namespace);
        await halt(have);
        o.logger.warn({ namespace }, "stopped the namespace's alerting here: another process leads it");
      }
    });
    const settled = next.catch((err: unknown) => {
      o.logger.error({ err, namespace }, leader ? 'could not start the namespace' : 'could not stop the namespace');
      // Holding the lease with nothing running would page nobody (the store may have been slow to
      // answer): start again while this process still leads.
      if (leader) setTimeout(() => retryStart(namespace), START_RETRY_MS).unref();
    });
    changes.set(namespace, settled);
    lastChange.set(namespace, next);
    return next;
  }

  function retryStart(namespace: string): void {
    if (stopped || !leading.get(namespace) || running.has(namespace)) return;
    o.logger.warn({ namespace }, 'starting the namespace again: this process still leads it');
    follow(namespace, true).catch(() => undefined);
  }

  o.leases.onChange((namespace, leader) => void follow(namespace, leader));

  return {
    async open(namespace) {
      await o.leases.join(namespace);
      // A lease won during join is being started: wait for it (and for its failure).
      await lastChange.get(namespace);
      return running.get(namespace) ?? null;
    },
    get: (namespace) => running.get(namespace) ?? null,
    sharedWith: (reader) =>
      [...running].flatMap(([ns, r]) =>
        ns === reader
          ? []
          : r.alerting
              .exposures()
              .filter(([to]) => to === reader)
              .map(([, svc]): [string, string] => [ns, svc]),
      ),
    async stop() {
      stopped = true;
      await Promise.allSettled([...changes.values()]);
      await Promise.all([...running.values()].map((r) => halt(r)));
      running.clear();
    },
  };
}
