// One alerting part (checks, rules, alerts, schedules, paging) per namespace, started at start
// for every namespace with tokens or declarations, and on demand for a new one.
import type { Logger } from 'pino';
import type { Declared } from '../alerting/index.js';
import type { ServerConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import { startAlerting, type AlertingHandle, type AlertingOptions } from './alerting.js';

export interface Namespaces {
  open(namespace: string): Promise<AlertingHandle>;
  get(namespace: string): AlertingHandle | null;
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
  senders?: AlertingOptions['senders'];
  resolver: AlertingOptions['resolver'];
}

export function createNamespaces(o: NamespacesOptions): Namespaces {
  const running = new Map<string, AlertingHandle>();
  const starting = new Map<string, Promise<AlertingHandle>>();
  return {
    open(namespace) {
      const have = running.get(namespace);
      if (have) return Promise.resolve(have);
      let p = starting.get(namespace);
      if (!p) {
        p = startAlerting({
          namespace, store: o.store, logger: o.logger, fromFile: namespace === 'default' ? o.declared : null, notifications: o.config.notifications,
          dataDir: o.config.dataDir, publicUrl: o.publicUrl, now: o.now, manualClock: o.manualClock, senders: o.senders, resolver: o.resolver,
        }).then((h) => {
          running.set(namespace, h);
          starting.delete(namespace);
          return h;
        }, (err: unknown) => {
          starting.delete(namespace);
          throw err;
        });
        starting.set(namespace, p);
      }
      return p;
    },
    get: (namespace) => running.get(namespace) ?? null,
    sharedWith: (reader) => [...running].flatMap(([ns, h]) => (ns === reader ? [] : h.exposures().filter(([to]) => to === reader).map(([, svc]): [string, string] => [ns, svc]))),
    async stop() {
      await Promise.allSettled([...starting.values()]);
      await Promise.all([...running.values()].map((h) => h.stop()));
    },
  };
}
