// How this process shares alerting with others on its store: Keeper's leases (one leader per
// namespace), or alone (refusing to start beside another alerting process on a ClickHouse
// server). A process without the alerting role still asks Keeper who leads, to forward to it.
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import {
  keeperLeases,
  soleProcessLeases,
  watchAlertingProcesses,
  type AlertingProcesses,
  type NamespaceLeases,
} from '../alerting/index.js';
import type { ServerConfig } from '../config/index.js';
import type { Store } from '../store/index.js';

export interface ProcessLeases {
  /** Null: this process runs no alerting and has no Keeper to ask who does. */
  leases: NamespaceLeases | null;
  /** The API of the process leading a namespace, for forwarded requests (absent: this process alone). */
  leaderOf?: (namespace: string) => Promise<string | null>;
  close(): Promise<void>;
}

/** This process among the store's alerting processes: the same host and data directory is the same one. */
export const instanceName = (config: ServerConfig): string => `${hostname()}:${path.resolve(config.dataDir)}`;

export async function openLeases(
  config: ServerConfig,
  store: Store,
  logger: Logger,
  selfUrl: string,
  registry: Registry,
): Promise<ProcessLeases> {
  const alerting = config.role.includes('alerting');
  const self = { apiUrl: selfUrl, instance: instanceName(config) };
  const log = logger.child({ component: 'lease' });
  let processes: AlertingProcesses | null = null;
  const onError = (err: unknown) => log.error({ err }, 'could not say this alerting process is alive');
  let leases: NamespaceLeases | null = null;
  if (config.keeper) {
    if (alerting) processes = await watchAlertingProcesses(store, self.instance, 'keeper', onError);
    leases = await keeperLeases({
      servers: config.keeper,
      sessionTimeoutMs: config.keeperSessionTimeout,
      prefix: config.keeperPrefix,
      self,
      onLog: (level, message, fields) => log[level](fields, message),
    });
  } else if (alerting) {
    // The embedded store has one process by construction; a ClickHouse server may have several.
    if (store.kind === 'server') processes = await watchAlertingProcesses(store, self.instance, 'alone', onError);
    leases = soleProcessLeases(self);
  }
  const leading = new Gauge({
    name: 'micro_alerting_leader',
    help: "1 while this process leads the namespace's alerting (checks, rules, paging)",
    labelNames: ['namespace'],
    registers: [registry],
  });
  leases?.onChange((namespace, leader) => leading.labels(namespace).set(leader ? 1 : 0));
  const shared = config.keeper !== undefined || !alerting;
  return {
    leases,
    leaderOf: shared ? async (ns) => (leases ? ((await leases.holder(ns))?.apiUrl ?? null) : null) : undefined,
    async close() {
      processes?.stop();
      await leases?.close();
    },
  };
}
