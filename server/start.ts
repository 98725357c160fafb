// The composition root: store, collector and API in one process. The embedded store is owned
// by this process (chDB binds one data directory per process); everything else reaches it
// through the API.
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { createHostResolver, type AlertingRuntime, type Declared } from '../alerting/index.js';
import { buildApi } from '../api/index.js';
import { type IngestContext, createCollectorMetrics, type Pipeline } from '../collector/index.js';
import { adminTokenFile, readLocalToken, type ServerConfig } from '../config/index.js';
import { configNamespaces, openStore, pageOutEngineStartup, type Retention, type Store } from '../store/index.js';
import {
  createRateLimiter,
  createSessionBook,
  createTokenBook,
  ensureAdminToken,
  isLoopback,
  type SessionBook,
  type TokenBook,
} from '../access/index.js';
import { ingestAuthorizer } from './ingest-access.js';
import { createIngestContext, recoverWriteAhead } from './ingest-context.js';
import { createNamespaces, type Namespaces } from './namespaces.js';
import { createLogger } from './logger.js';
import { openLeases, type ProcessLeases } from './leases.js';
import { listenReceivers, type Receivers } from './receivers.js';
import { reportWriteHealth } from './write-health.js';
import { migrationWaitReporter } from './migration-wait.js';
import { storedExposures, type ExposureDirectory } from './exposures.js';

export interface RunningServer {
  config: ServerConfig;
  logger: Logger;
  store: Store;
  pipeline: Pipeline;
  /** The `default` namespace's alerting runtime (throws in a process that does not lead it). */
  readonly alerting: AlertingRuntime;
  alertingFor(namespace: string): Promise<AlertingRuntime>;
  /** The admin token of the `default` namespace, as saved in the data directory. */
  adminToken: string;
  apiUrl: string;
  otlpHttpUrl: string;
  /** Zipkin's collector API: POST `${zipkinUrl}/api/v2/spans`. */
  zipkinUrl: string;
  otlpGrpcAddress: string;
  /** A one-time console sign-in link for the local admin, made at start on loopback. */
  consoleSignInUrl: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  logDestination?: DestinationStream;
  /** What micro.yaml declares (checks, rules, people, schedules...). */
  declared?: Declared;
  /** An injected clock for alerting, paging and the API (tests). */
  now?: () => number;
  /** Nothing timed runs by itself: the caller drives `alerting.tick(now)` (tests). */
  manualClock?: boolean;
  /** Once started, give back the embedded engine's startup pages (`micro server`; see store/engine-memory.ts). */
  pageOutEngineStartup?: boolean;
}

const VERSION = '0.1.0';

function retentionSeconds(c: ServerConfig): Retention {
  return { traces: c.retention.traces / 1000, logs: c.retention.logs / 1000, metrics: c.retention.metrics / 1000 };
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, opts.logDestination);
  const now = opts.now ?? Date.now;
  const metrics = createCollectorMetrics();
  const readiness = {
    store: { ok: false, detail: 'connecting' },
    migrations: { ok: false, detail: 'pending' },
    otlpHttp: { ok: false, detail: 'not listening' },
    zipkin: { ok: false, detail: 'not listening' },
    otlpGrpc: { ok: false, detail: 'not listening' },
    storeWrites: { ok: true, detail: 'writes go through' },
  };
  metrics.storeWritable.set(1);
  let storeDescription = '';
  let openedStore: Store | null = null;
  let tokens: TokenBook | null = null;
  let sessions: SessionBook | null = null;
  let tokenRefresh: NodeJS.Timeout | null = null;
  let namespaces: Namespaces | null = null;
  let processLeases: ProcessLeases | null = null;
  const roles = new Set(config.role);
  /** Another process may lead a namespace's alerting: requests that need it are forwarded there. */
  const shared = config.keeper !== undefined || !roles.has('alerting');
  let selfUrl = '';
  let exposures: ExposureDirectory | null = null;
  let signInUrl: string | null = null;
  // The scrapers' way in, once the pipeline exists (namespaces start before it).
  let ingestCtx: IngestContext | null = null;
  // Listening beyond loopback, every request needs a token.
  const requireIngestToken = config.requireIngestToken || !isLoopback(config.host);

  const api = await buildApi({
    version: VERSION,
    store: () => openedStore,
    tokens: () => tokens,
    sessions: () => sessions,
    alerting: (ns) => namespaces?.get(ns)?.alerting ?? null,
    leaderOf: shared ? async (ns) => (await processLeases?.leaderOf?.(ns)) ?? null : undefined,
    selfUrl: () => selfUrl,
    healthOnly: !roles.has('query') && !roles.has('alerting'),
    namespaceExists: shared
      ? (ns) => namespaces?.get(ns) != null || (tokens?.namespaces().includes(ns) ?? false)
      : undefined,
    oncall: (ns) => namespaces?.get(ns)?.oncall ?? null,
    openNamespace: async (ns) => {
      if (namespaces) await namespaces.open(ns);
    },
    sharedWith: (ns) => (shared ? (exposures?.sharedWith(ns) ?? []) : (namespaces?.sharedWith(ns) ?? [])),
    requireIngestToken,
    rateLimiter: createRateLimiter(config.apiRateLimit, config.apiRateLimit * 2),
    now,
    logger,
    registry: metrics.registry,
    readiness: () => ({ ready: Object.values(readiness).every((c) => c.ok), checks: readiness }),
    status: () => ({
      version: VERSION,
      store: storeDescription,
      retention: config.retention,
      ports: {
        api: config.apiPort,
        otlpHttp: config.otlpHttpPort,
        otlpGrpc: config.otlpGrpcPort,
        zipkin: config.zipkinPort,
      },
    }),
  });
  await api.listen({ host: config.host, port: config.apiPort });
  const apiPort = (api.server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const apiUrl = `http://${hostForUrl === '0.0.0.0' || hostForUrl === '[::]' ? '127.0.0.1' : hostForUrl}:${apiPort}`;
  selfUrl = config.advertiseUrl ?? apiUrl;

  let store: Store;
  try {
    store = await openStore(
      config.clickhouseUrl
        ? { kind: 'server', url: config.clickhouseUrl, cluster: config.clickhouseCluster }
        : { kind: 'embedded', dataDir: config.dataDir },
      { migrationLock: { onWait: migrationWaitReporter(logger, readiness, now) } },
    );
    storeDescription = store.describe;
    store.onWriteHealth(reportWriteHealth(metrics, readiness, logger));
    readiness.store = { ok: true, detail: store.describe };
    const prepared = await store.prepare(retentionSeconds(config));
    readiness.migrations = { ok: true, detail: `schema version ${prepared.migrations.current}` };
    openedStore = store;
    const book = createTokenBook(store, (err) => logger.error({ err }, 'token audit failed'));
    await book.load();
    const admin = await ensureAdminToken(book, config.dataDir, now());
    if (admin.created)
      logger.info(
        { token: admin.id, file: adminTokenFile(config.dataDir) },
        'created the admin token of the default namespace',
      );
    tokens = book;
    sessions = createSessionBook(store, () => tokens);
    // As Jupyter does: on loopback, a one-time link signs the newcomer in as the local admin.
    const adminView = book.get(admin.id, now());
    if (adminView && roles.has('query') && isLoopback(config.host)) {
      const link = await sessions.link(adminView, now());
      signInUrl = `${apiUrl}/console/signin?code=${link.code}`;
    }
    processLeases = await openLeases(config, store, logger, selfUrl, metrics.registry);
    const leases = processLeases.leases;
    namespaces =
      !leases || !roles.has('alerting')
        ? null
        : createNamespaces({
            leases,
            store,
            logger,
            config,
            declared: opts.declared ?? null,
            // Links in pages point at the public URL; by default the API's own address.
            publicUrl: () => config.publicUrl ?? apiUrl,
            now,
            manualClock: opts.manualClock,
            resolver: createHostResolver({ servers: config.dnsServers }),
            ingest: () => ingestCtx,
          });
    const directory = shared ? storedExposures(store, logger) : null;
    const openAll = async (): Promise<void> => {
      const all = new Set(['default', ...book.namespaces(), ...(await configNamespaces(store))]);
      for (const ns of all) await namespaces?.open(ns);
      await directory?.refresh(all);
      exposures = directory;
    };
    await openAll();
    // Other servers on the same ClickHouse create and revoke tokens and namespaces too: reread
    // them now and then (an alerting process stands for the lease of a namespace new to it).
    tokenRefresh = setInterval(() => {
      book
        .load()
        .then(openAll)
        .catch((err: unknown) => logger.error({ err }, 'reloading tokens and namespaces failed'));
    }, 30_000);
    tokenRefresh.unref();
    logger.info(
      { store: store.describe, applied: prepared.migrations.applied, retentionChanges: prepared.retention },
      'store ready',
    );
  } catch (err) {
    await processLeases?.close();
    await api.close();
    throw err;
  }

  const ctx = createIngestContext(config, store, metrics, logger, now);
  const { pipeline, decodePool } = ctx;
  ingestCtx = ctx;
  await recoverWriteAhead(pipeline, logger);
  const authorize = ingestAuthorizer({
    tokens: () => tokens,
    requireIngestToken,
    limiter: createRateLimiter(config.ingestRateLimit, config.ingestRateLimit * 2),
    now,
  });
  let closed = false;
  let receivers: Receivers;
  try {
    receivers = await listenReceivers(ctx, config, authorize, logger, readiness, hostForUrl);
  } catch (err) {
    await Promise.allSettled([api.close(), processLeases?.close(), namespaces?.stop(), decodePool?.close()]);
    await store.close();
    throw err;
  }
  const running: RunningServer = {
    config,
    logger,
    store,
    pipeline,
    get alerting() {
      const a = namespaces?.get('default')?.alerting;
      if (!a) throw new Error('this process does not run the alerting of the default namespace');
      return a;
    },
    async alertingFor(ns) {
      const a = (await namespaces?.open(ns))?.alerting;
      if (!a) throw new Error(`this process does not run the alerting of namespace ${ns}`);
      return a;
    },
    adminToken: readLocalToken(config.dataDir) ?? '',
    apiUrl,
    consoleSignInUrl: signInUrl,
    otlpHttpUrl: receivers.otlpHttpUrl,
    zipkinUrl: receivers.zipkinUrl,
    otlpGrpcAddress: receivers.otlpGrpcAddress,
    async close() {
      if (closed) return;
      closed = true;
      if (tokenRefresh) clearInterval(tokenRefresh);
      readiness.otlpHttp.ok = readiness.otlpGrpc.ok = readiness.zipkin.ok = false;
      // Receivers stop taking requests while everything accepted is stored.
      await Promise.all([receivers.close(), pipeline.drain(), namespaces?.stop()]);
      await decodePool?.close();
      // Stepping down hands this process's namespaces to another at once, not at session expiry.
      await processLeases?.close();
      await api.close();
      await store.close();
      logger.info('stopped');
      logger.flush();
    },
  };
  if (opts.pageOutEngineStartup) await reportPageOut(logger);
  logger.info(
    {
      api: running.apiUrl,
      otlpHttp: running.otlpHttpUrl,
      otlpGrpc: running.otlpGrpcAddress,
      zipkin: running.zipkinUrl,
    },
    'micro-observe is running',
  );
  return running;
}

async function reportPageOut(logger: Logger): Promise<void> {
  const out = await pageOutEngineStartup();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  if (out.outcome === 'done')
    logger.info(
      { advisedMB: mb(out.advisedBytes), rssBeforeMB: mb(out.rssBeforeBytes), rssAfterMB: mb(out.rssAfterBytes) },
      "gave back the embedded engine's startup pages",
    );
  else logger.debug({ reason: out.reason }, "the embedded engine's startup pages stay resident");
}
