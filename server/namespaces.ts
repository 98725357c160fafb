// Wiring: one alerting runtime and one on-call runtime per namespace, started at start for every
// namespace with tokens or declarations, and on demand for a new one. The runtimes are alerting's
// and oncall's; here they are only put together (alerting hands its alerts to on call).
import type { Logger } from 'pino';
import {
  createAlertingRuntime,
  type AlertingRuntime,
  type Declared,
  type HostResolver,
  type NamespaceLease,
} from '../alerting/index.js';
import type { ServerConfig } from '../config/index.js';
import { createOnCallRuntime, type OnCallRuntime } from '../oncall/index.js';
import type { Scraper } from '../collector/index.js';
import type { Store } from '../store/index.js';

export interface NamespaceRuntime {
  alerting: AlertingRuntime;
  oncall: OnCallRuntime;
  scraper: Scraper;
}

export interface Namespaces {
  open(namespace: string): Promise<NamespaceRuntime>;
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
  lease?: NamespaceLease;
  /** The scraper of a namespace's declared /metrics endpoints. */
  scraper: (namespace: string) => Scraper;
}

export function createNamespaces(o: NamespacesOptions): Namespaces {
  const running = new Map<string, NamespaceRuntime>();
  const starting = new Map<string, Promise<NamespaceRuntime>>();

  async function start(namespace: string): Promise<NamespaceRuntime> {
    let oncall: OnCallRuntime | null = null;
    const scraper = o.scraper(namespace);
    const alerting = await createAlertingRuntime({
      onDeclared: (d) => scraper.setJobs(d.scrape ?? []),
      namespace,
      store: o.store,
      logger: o.logger,
      fromFile: namespace === 'default' ? o.declared : null,
      now: o.now,
      manualClock: o.manualClock,
      resolver: o.resolver,
      lease: o.lease,
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
        });
        return oncall;
      },
    });
    alerting.start();
    return { alerting, oncall: oncall!, scraper };
  }

  return {
    open(namespace) {
      const have = running.get(namespace);
      if (have) return Promise.resolve(have);
      let p = starting.get(namespace);
      if (!p) {
        p = start(namespace).then(
          (r) => {
            running.set(namespace, r);
            starting.delete(namespace);
            return r;
          },
          (err: unknown) => {
            starting.delete(namespace);
            throw err;
          },
        );
        starting.set(namespace, p);
      }
      return p;
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
      await Promise.allSettled([...starting.values()]);
      for (const r of running.values()) r.scraper.stop();
      await Promise.all([...running.values()].map((r) => r.alerting.stop()));
    },
  };
}
