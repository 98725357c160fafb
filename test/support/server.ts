// Starts a real server (embedded ClickHouse in a fresh data dir, or the ClickHouse server named by
// MICRO_TEST_CLICKHOUSE_URL in a fresh database) on free loopback ports.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createClient } from '@clickhouse/client';
import {
  declaredPart,
  resolveServerConfig,
  type CheckConfig,
  type Declared,
  type RuleConfig,
  type ServerConfigInput,
} from '../../config/index.js';
import { type ClickHouseDouble, startClickHouseDouble } from './clickhouse-double.js';
import { startServer, type RunningServer, type StartOptions } from '../../server/index.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  logLines: string[];
  stop(): Promise<void>;
}

let double: Promise<ClickHouseDouble> | null = null;

/**
 * The ClickHouse server the tests use instead of the embedded store: MICRO_TEST_CLICKHOUSE_URL, or
 * with MICRO_TEST_CLICKHOUSE=double the HTTP double of test/support (one per test process).
 */
export async function testClickHouseUrl(): Promise<string | undefined> {
  if (process.env.MICRO_TEST_CLICKHOUSE_URL) return process.env.MICRO_TEST_CLICKHOUSE_URL;
  if (process.env.MICRO_TEST_CLICKHOUSE !== 'double') return undefined;
  double ??= startClickHouseDouble();
  return (await double).url;
}

/**
 * The database on the test ClickHouse server that stands for a data directory, when a server is configured: a
 * restart on the same data directory finds what the last run stored, as it does on the embedded store.
 */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  const base = await testClickHouseUrl();
  if (!base) return undefined;
  const db = `micro_test_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  const admin = createClient({ url: base });
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await admin.close();
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * Tests call the API as the local admin unless they say otherwise: requests to a test server's
 * API carry its admin token when they carry no Authorization header of their own, and `micro`
 * child processes get it as MICRO_TOKEN. `rawFetch` sends exactly what it is given.
 */
export const rawFetch: typeof fetch = globalThis.fetch.bind(globalThis);
const adminTokens = new Map<string, string>();
globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const token = adminTokens.get(url.origin);
  if (token) {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return rawFetch(input, { ...init, headers });
  }
  return rawFetch(input, init);
};

/**
 * Runs statements on the store of a test server that was closed (its data dir's embedded store,
 * or its test database): to set a store back the way an older version left it.
 */
export async function onClosedStore(dataDir: string, statements: string[]): Promise<void> {
  const url = await testDatabaseUrl(dataDir);
  // The embedded store lives in <data dir>/clickhouse (store/connection.ts).
  const client = url
    ? createClient({ url })
    : createClient({
        connection: (await import('chdb/connection')).createChdbConnection({ path: path.join(dataDir, 'clickhouse') }),
      } as Parameters<typeof createClient>[0]);
  try {
    for (const query of statements) await client.command({ query });
  } finally {
    await client.close();
  }
}

/**
 * Removes a data directory once the embedded engine is done with it: chDB finishes merges in the
 * background after its session closes, so the directory can still change for a few seconds.
 */
export async function removeDataDir(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (err) {
      if (attempt >= 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export function makeDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'micro-test-'));
}

export async function startTestServer(
  overrides: Partial<ServerConfigInput> = {},
  dataDir = makeDataDir(),
  checks: CheckConfig[] = [],
  rules: RuleConfig[] = [],
  opts: Pick<StartOptions, 'now' | 'manualClock'> & { declared?: Partial<Declared> } = {},
): Promise<TestServer> {
  const logLines: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logLines.push(line);
      cb();
    },
  });
  const clickhouseUrl = await testDatabaseUrl(dataDir);
  const config = resolveServerConfig({
    dataDir,
    apiPort: 0,
    otlpHttpPort: 0,
    zipkinPort: 0,
    otlpGrpcPort: 0,
    logLevel: 'info',
    flushInterval: '20ms',
    ...(clickhouseUrl ? { clickhouseUrl } : {}),
    ...overrides,
  });
  const server = await startServer(config, {
    logDestination,
    declared: declaredPart({ checks, rules, ...opts.declared }),
    now: opts.now,
    manualClock: opts.manualClock,
  });
  adminTokens.set(new URL(server.apiUrl).origin, server.adminToken);
  process.env.MICRO_TOKEN = server.adminToken;
  return Object.assign(server, {
    dataDir,
    logLines,
    async stop() {
      await server.close();
      await removeDataDir(dataDir);
    },
  });
}

export async function postOtlp(
  server: RunningServer,
  signal: 'traces' | 'logs' | 'metrics',
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(`${server.otlpHttpUrl}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': typeof body === 'string' ? 'application/json' : 'application/x-protobuf', ...headers },
    body: body as BodyInit,
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/**
 * Options for a test about the embedded store's own data directory: the run over a ClickHouse server
 * (`npm run test:clickhouse-http`) has no such directory and says so; `npm test` runs these tests.
 */
export const EMBEDDED_ONLY = {
  skip:
    process.env.MICRO_TEST_CLICKHOUSE_URL || process.env.MICRO_TEST_CLICKHOUSE === 'double'
      ? 'about the embedded store data directory, which a ClickHouse server does not have'
      : false,
};
