// The one schema of the server's settings, shared by the config file, the environment and the
// command line (and later the API). Every error message names the field.
import { z } from 'zod';
import { declaredShape } from './declared-schema.js';
import type { notificationsSchema, NotificationsConfig } from './oncall-schema.js';
import { byteSize, durationMs } from './units.js';

const HOUR = 3600_000;
const port = z.coerce.number().int().min(0).max(65535);

export const ROLES = ['ingest', 'query', 'alerting'] as const;
export type Role = (typeof ROLES)[number];
const commaList = (v: unknown): unknown =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : v;
/** `all`, or a comma list of ingest, query and alerting; always returned as the list. */
const roleList = z.preprocess(
  (v) => {
    const list = commaList(v);
    return Array.isArray(list) && list.includes('all') ? [...ROLES] : list;
  },
  z
    .array(z.enum(ROLES, { error: () => 'must be all, or a comma list of ingest, query and alerting' }))
    .min(1)
    .transform((l) => ROLES.filter((r) => l.includes(r))),
);
/** host:port of a ZooKeeper-protocol server (ClickHouse Keeper or ZooKeeper). */
const keeperList = z.preprocess(
  commaList,
  z.array(z.string().regex(/^[A-Za-z0-9_.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port')).min(1),
);

export const retentionSchema = z
  .object({
    traces: durationMs(HOUR).prefault('7d'),
    logs: durationMs(HOUR).prefault('7d'),
    metrics: durationMs(HOUR).prefault('30d'),
  })
  .strict();

export const serverObject = z
  .object({
    dataDir: z.string().min(1).default('./data'),
    clickhouseUrl: z
      .string()
      .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
        message: 'must be an http(s) URL such as http://user:pass@host:8123/db',
      })
      .optional(),
    /** ClickHouse cluster (remote_servers) to create the tables ON CLUSTER, replicated and distributed. */
    clickhouseCluster: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a cluster name as remote_servers declares it')
      .optional(),
    /** What this process runs: receivers (ingest), the API (query), checks, rules and paging (alerting). */
    role: roleList.prefault('all'),
    /** Keeper (ZooKeeper protocol) that elects one alerting process per namespace. */
    keeper: keeperList.optional(),
    /** A leader unheard of this long loses its lease (Keeper's session timeout). */
    keeperSessionTimeout: durationMs(1).prefault('10s'),
    /** Path under which the leases live: one deployment per prefix. */
    keeperPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9_.-]+)+$/, 'must be a Keeper path such as /micro-observe')
      .default('/micro-observe'),
    /** The address other micro-observe processes reach this one's API at (forwarded requests). */
    advertiseUrl: z.string().url().optional(),
    host: z.string().min(1).default('127.0.0.1'),
    apiPort: port.default(8080),
    otlpHttpPort: port.default(4318),
    /** Zipkin's collector API (POST /api/v2/spans), Zipkin's own port by default. */
    zipkinPort: port.default(9411),
    otlpGrpcPort: port.default(4317),
    publicUrl: z.string().url().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    maxBodySize: byteSize(1024).prefault('16MiB'),
    maxQueueSize: byteSize(1024 * 1024).prefault('256MiB'),
    maxAttributes: z.coerce.number().int().min(1).max(100_000).default(1000),
    batchRows: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
    batchSize: byteSize(1024).prefault('32MiB'),
    flushInterval: durationMs(1).prefault('50ms'),
    maxInflightInserts: z.coerce.number().int().min(1).max(16).default(1),
    /** After an insert, how long at most the next batch waits for the senders it acknowledged (0: not at all). */
    insertLinger: durationMs(0).prefault('50ms'),
    /**
     * While a table's insert runs, up to this many of its rows are acknowledged once written to the
     * data directory's write-ahead log, and stored with the next insert (0: every request waits for
     * its own insert).
     */
    writeAheadRows: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
    /**
     * …and only while the running inserts hold this many rows between them: a heavy load (under a
     * light one, a request answered after its own insert is readable at once).
     */
    writeAheadFrom: z.coerce.number().int().min(0).max(10_000_000).default(5_000),
    /**
     * Threads that decode OTLP bodies (0: each on its request's thread). Off by default: on two
     * cores, which the engine keeps busy, they helped logs (+15%) and not spans (README).
     */
    decodeThreads: z.coerce.number().int().min(0).max(16).default(0),
    /** Refuse telemetry without a token even from loopback (always so when listening beyond loopback). */
    requireIngestToken: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
    /** Requests per second per token: API calls, and OTLP export requests. */
    apiRateLimit: z.coerce.number().int().min(1).max(1_000_000).default(100),
    ingestRateLimit: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    /** DNS servers checks resolve names with ("10.0.0.2", "127.0.0.1:5353"); the system's when absent. */
    dnsServers: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean)
            : v,
        z
          .array(
            z
              .string()
              .regex(
                /^(\[[0-9a-fA-F:.]+\]|[0-9.]+|[0-9a-fA-F:]+)(:\d{1,5})?$/,
                'must be an IP address, with an optional :port',
              ),
          )
          .min(1),
      )
      .optional(),
  })
  .strict();

export const serverSchema = serverObject.superRefine((c, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (!c.clickhouseUrl && c.role.length < ROLES.length)
    issue(
      'role',
      'the embedded store is owned by one process, which runs everything: give --clickhouse-url to split roles',
    );
  if (!c.clickhouseUrl && c.keeper) issue('keeper', 'needs --clickhouse-url: the embedded store has one process');
  if (!c.clickhouseUrl && c.clickhouseCluster) issue('clickhouseCluster', 'needs --clickhouse-url');
});

/** micro.yaml: the server's settings, retention and notification settings, and everything declared. */
export const configFileSchema = z
  .object({
    server: serverObject.partial().optional(),
    retention: retentionSchema.partial().optional(),
    ...declaredShape,
  })
  .strict();

export type ServerConfig = z.output<typeof serverSchema> & {
  retention: z.output<typeof retentionSchema>;
  notifications: NotificationsConfig;
};
export type ServerConfigInput = z.input<typeof serverSchema> & {
  retention?: z.input<typeof retentionSchema>;
  notifications?: z.input<typeof notificationsSchema>;
};
