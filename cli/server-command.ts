// `micro server`: runs the collector, the store and the API in this process.
import v8 from 'node:v8';
import { Command, Option } from 'commander';
import {
  ConfigError,
  declaredPart,
  loadConfigFile,
  resolveServerConfig,
  type ServerConfigInput,
} from '../config/index.js';

interface ServerFlags {
  config?: string;
  dataDir?: string;
  clickhouseUrl?: string;
  clickhouseCluster?: string;
  role?: string;
  keeper?: string;
  keeperSessionTimeout?: string;
  advertiseUrl?: string;
  printSchema?: boolean;
  host?: string;
  apiPort?: string;
  otlpHttpPort?: string;
  zipkinPort?: string;
  otlpGrpcPort?: string;
  publicUrl?: string;
  retentionTraces?: string;
  retentionLogs?: string;
  retentionMetrics?: string;
  maxBodySize?: string;
  maxQueueSize?: string;
  logLevel?: string;
  flushInterval?: string;
  batchRows?: string;
  maxInflightInserts?: string;
  insertLinger?: string;
  writeAheadRows?: string;
  writeAheadFrom?: string;
  decodeThreads?: string;
  requireIngestToken?: boolean;
  apiRateLimit?: string;
  ingestRateLimit?: string;
  dnsServers?: string;
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The SMTP password (and user) may come from the environment rather than the file. */
function withSmtpSecret(n: ServerConfigInput['notifications']): ServerConfigInput['notifications'] {
  const pass = process.env.MICRO_SMTP_PASSWORD;
  const auth = n?.smtp?.auth;
  if (!pass) {
    if (auth && !auth.pass && !auth.passwordFile && !auth.passSealed) {
      throw new ConfigError(['notifications.smtp.auth: give the password in MICRO_SMTP_PASSWORD or auth.passwordFile']);
    }
    return n;
  }
  if (!n?.smtp) return n;
  const user = process.env.MICRO_SMTP_USER ?? auth?.user;
  if (!user)
    throw new ConfigError([
      'notifications.smtp.auth.user: MICRO_SMTP_PASSWORD is set, so give the user too (here or in MICRO_SMTP_USER)',
    ]);
  return { ...n, smtp: { ...n.smtp, auth: { user, pass } } };
}

export function serverCommand(): Command {
  return new Command('server')
    .description('run the collector, the store and the API (embedded ClickHouse unless --clickhouse-url is given)')
    .addOption(new Option('-c, --config <file>', 'micro.yaml with server settings and retention').env('MICRO_CONFIG'))
    .addOption(
      new Option('--data-dir <dir>', 'where the embedded store keeps its data (default ./data)').env('MICRO_DATA_DIR'),
    )
    .addOption(
      new Option('--clickhouse-url <url>', 'use a ClickHouse server: http://user:pass@host:8123/db').env(
        'MICRO_CLICKHOUSE_URL',
      ),
    )
    .addOption(
      new Option(
        '--clickhouse-cluster <name>',
        'create the tables ON CLUSTER: replicated, with Distributed tables for reads and writes',
      ).env('MICRO_CLICKHOUSE_CLUSTER'),
    )
    .addOption(
      new Option(
        '--role <roles>',
        'what this process runs: all, or a comma list of ingest, query, alerting (default all)',
      ).env('MICRO_ROLE'),
    )
    .addOption(
      new Option(
        '--keeper <hosts>',
        'ClickHouse Keeper or ZooKeeper (host:port,...): one alerting process leads each namespace',
      ).env('MICRO_KEEPER'),
    )
    .addOption(
      new Option(
        '--keeper-session-timeout <duration>',
        'a leader unheard of this long loses its lease to another alerting process (default 10s)',
      ).env('MICRO_KEEPER_SESSION_TIMEOUT'),
    )
    .addOption(
      new Option(
        '--advertise-url <url>',
        "where other micro-observe processes reach this one's API (default: the API's address)",
      ).env('MICRO_ADVERTISE_URL'),
    )
    .addOption(new Option('--host <host>', 'address to listen on (default 127.0.0.1)').env('MICRO_HOST'))
    .addOption(new Option('--api-port <port>', 'HTTP API port (default 8080)').env('MICRO_API_PORT'))
    .addOption(new Option('--otlp-http-port <port>', 'OTLP/HTTP port (default 4318)').env('MICRO_OTLP_HTTP_PORT'))
    .addOption(
      new Option('--zipkin-port <port>', 'Zipkin v2 API: POST /api/v2/spans (default 9411)').env('MICRO_ZIPKIN_PORT'),
    )
    .addOption(new Option('--otlp-grpc-port <port>', 'OTLP/gRPC port (default 4317)').env('MICRO_OTLP_GRPC_PORT'))
    .addOption(
      new Option('--public-url <url>', 'the address people reach the API at, for links').env('MICRO_PUBLIC_URL'),
    )
    .addOption(
      new Option('--retention-traces <duration>', 'keep traces this long (default 7d)').env('MICRO_RETENTION_TRACES'),
    )
    .addOption(
      new Option('--retention-logs <duration>', 'keep logs this long (default 7d)').env('MICRO_RETENTION_LOGS'),
    )
    .addOption(
      new Option('--retention-metrics <duration>', 'keep metrics this long (default 30d)').env(
        'MICRO_RETENTION_METRICS',
      ),
    )
    .addOption(
      new Option('--max-body-size <size>', 'largest OTLP request accepted (default 16MiB)').env('MICRO_MAX_BODY_SIZE'),
    )
    .addOption(
      new Option('--max-queue-size <size>', 'accepted data waiting to be stored before 429s (default 256MiB)').env(
        'MICRO_MAX_QUEUE_SIZE',
      ),
    )
    .addOption(
      new Option(
        '--flush-interval <duration>',
        'how long a batch gathers rows before it is stored, once an insert slot is free (default 50ms)',
      ).env('MICRO_FLUSH_INTERVAL'),
    )
    .addOption(
      new Option('--batch-rows <n>', 'rows that make a batch ready at once (default 50000)').env('MICRO_BATCH_ROWS'),
    )
    .addOption(
      new Option('--max-inflight-inserts <n>', 'inserts in flight per table (default 1)').env(
        'MICRO_MAX_INFLIGHT_INSERTS',
      ),
    )
    .addOption(
      new Option(
        '--insert-linger <duration>',
        'after an insert, how long at most the next batch waits for the senders it acknowledged (default 50ms, 0: none)',
      ).env('MICRO_INSERT_LINGER'),
    )
    .addOption(
      new Option(
        '--write-ahead-rows <n>',
        "rows of a table acknowledged once in the data directory's write-ahead log while its insert runs " +
          '(default 100000, 0: each request waits for its insert)',
      ).env('MICRO_WRITE_AHEAD_ROWS'),
    )
    .addOption(
      new Option(
        '--write-ahead-from <rows>',
        'write ahead only while the running inserts hold this many rows between them (default 5000)',
      ).env('MICRO_WRITE_AHEAD_FROM'),
    )
    .addOption(
      new Option(
        '--decode-threads <n>',
        'threads that decode OTLP requests (default 0: each on its request thread)',
      ).env('MICRO_DECODE_THREADS'),
    )
    .addOption(
      new Option(
        '--require-ingest-token',
        'refuse telemetry without a token, even from loopback (always so beyond loopback)',
      ).env('MICRO_REQUIRE_INGEST_TOKEN'),
    )
    .addOption(
      new Option('--api-rate-limit <n>', 'API requests per second per token (default 100)').env('MICRO_API_RATE_LIMIT'),
    )
    .addOption(
      new Option('--ingest-rate-limit <n>', 'OTLP export requests per second per token (default 1000)').env(
        'MICRO_INGEST_RATE_LIMIT',
      ),
    )
    .addOption(
      new Option(
        '--dns-servers <list>',
        "DNS servers checks resolve names with, comma-separated (default: the system's)",
      ).env('MICRO_DNS_SERVERS'),
    )
    .addOption(
      new Option(
        '--print-schema',
        'print the statements that create the schema (ON CLUSTER with --clickhouse-cluster) and exit',
      ),
    )
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug or trace').env('MICRO_LOG_LEVEL'))
    .action(async (flags: ServerFlags) => {
      // Starting (loading modules, migrating) allocates in a burst that doubles V8's young generation
      // up to 32 MB, which then sits idle; it grows again only under load once the server runs.
      v8.setFlagsFromString('--semi-space-growth-factor=1');
      const file: Partial<ReturnType<typeof loadConfigFile>> = flags.config ? loadConfigFile(flags.config) : {};
      const input: ServerConfigInput = {
        ...(file.server ?? {}),
        ...defined({
          dataDir: flags.dataDir,
          clickhouseUrl: flags.clickhouseUrl,
          clickhouseCluster: flags.clickhouseCluster,
          role: flags.role,
          keeper: flags.keeper,
          keeperSessionTimeout: flags.keeperSessionTimeout,
          advertiseUrl: flags.advertiseUrl,
          host: flags.host,
          apiPort: flags.apiPort,
          otlpHttpPort: flags.otlpHttpPort,
          zipkinPort: flags.zipkinPort,
          otlpGrpcPort: flags.otlpGrpcPort,
          publicUrl: flags.publicUrl,
          maxBodySize: flags.maxBodySize,
          maxQueueSize: flags.maxQueueSize,
          logLevel: flags.logLevel as ServerConfigInput['logLevel'],
          flushInterval: flags.flushInterval,
          batchRows: flags.batchRows,
          maxInflightInserts: flags.maxInflightInserts,
          insertLinger: flags.insertLinger,
          writeAheadRows: flags.writeAheadRows,
          writeAheadFrom: flags.writeAheadFrom,
          decodeThreads: flags.decodeThreads,
          requireIngestToken: flags.requireIngestToken,
          apiRateLimit: flags.apiRateLimit,
          ingestRateLimit: flags.ingestRateLimit,
          dnsServers: flags.dnsServers,
        }),
        notifications: withSmtpSecret(file.notifications),
        retention: {
          ...(file.retention ?? {}),
          ...defined({ traces: flags.retentionTraces, logs: flags.retentionLogs, metrics: flags.retentionMetrics }),
        },
      } as ServerConfigInput;
      // Loaded here, so the other commands start without the server's modules.
      const { schemaStatements, startServer } = await import('../server/index.js');
      if (flags.printSchema) {
        const retention = resolveServerConfig({ retention: input.retention }).retention;
        const seconds = {
          traces: retention.traces / 1000,
          logs: retention.logs / 1000,
          metrics: retention.metrics / 1000,
        };
        for (const s of schemaStatements(seconds, flags.clickhouseCluster ?? file.server?.clickhouseCluster))
          process.stdout.write(`${s};\n\n`);
        return;
      }
      const config = resolveServerConfig(input);
      // The file's notifications are the server's own (every namespace's default), not declared.
      const server = await startServer(config, {
        declared: { ...declaredPart(file), notifications: undefined },
        pageOutEngineStartup: true,
      });
      v8.setFlagsFromString('--semi-space-growth-factor=2'); // V8's default
      // Under ingest, request objects outlive an insert and reach the old generation, whose limit
      // V8 sets a little above what survived: a full collection every insert (logs: ~70 a run,
      // their marking on the engine's cores). Doubling the limit made it ~14 and ingest 7-13%
      // faster (bench/ingest, A/B); the idle heap is unchanged, as startup ran before this.
      v8.setFlagsFromString('--heap-growing-percent=100');
      if (server.consoleSignInUrl)
        process.stderr.write(
          `\n  The console: ${server.apiUrl}/\n  Sign in as the local admin (once, within 15 minutes):\n  ${server.consoleSignInUrl}\n  (micro console prints a new link)\n\n`,
        );
      // Resolves once the server has stopped, so `micro` exits only then.
      await new Promise<void>((resolve, reject) => {
        let stopping = false;
        const stop = (signal: string): void => {
          if (stopping) process.exit(1);
          stopping = true;
          server.logger.info({ signal }, 'stopping: storing what was accepted');
          server.close().then(resolve, reject);
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
      });
    });
}

export function explainStartError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const e = err as { code?: string; message?: string; address?: string; port?: number };
  if (e?.code === 'EADDRINUSE')
    return `cannot listen on ${e.address}:${e.port}: the port is in use (choose another with --api-port, --otlp-http-port or --otlp-grpc-port)`;
  if (e?.code === 'EACCES') return `cannot listen on ${e.address}:${e.port}: permission denied`;
  return `the server could not start: ${e?.message ?? String(err)}`;
}
