// A test double of a ClickHouse server: ClickHouse's HTTP interface (the query in the URL or the
// body, `param_*` parameters, settings as URL parameters, `database`, a RowBinary insert body, user
// and password, /ping) served by one embedded chDB engine: the real engine behind the real
// protocol, so the server connection (`--clickhouse-url`) runs in CI. What a real server does that
// this does not: replication and Keeper, `ON CLUSTER`, async inserts, several users and grants,
// compression of bodies, concurrent queries (this one runs them one at a time).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

export interface ClickHouseDouble {
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP interface takes parameter values in escaped text form and the embedded connection escapes what it is given,
 * so the double undoes one escaping to bind the value the client meant.
 */
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
  "'": "'",
  '\\': '\\',
};
function unescapeParam(value: string): string {
  return value.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? c);
}

/**
 * Names of the query's parameters declared as a scalar string. Composite values (`['a','b']`) arrive in their literal
 * form and are passed on as they are; the double does not bind composite values holding a backslash (a known gap).
 */
function stringParams(query: string): Set<string> {
  const names = new Set<string>();
  for (const m of query.matchAll(/\{(\w+)\s*:\s*((?:Nullable|LowCardinality)\()*(?:String|FixedString\(\d+\))/g)) {
    names.add(m[1] as string);
  }
  return names;
}

/** URL parameters the client sends that are not settings. */
const NOT_SETTINGS = new Set([
  'query',
  'database',
  'query_id',
  'default_format',
  'user',
  'password',
  'session_id',
  'enable_http_compression',
  'wait_end_of_query',
]);

export async function startClickHouseDouble(
  auth = { user: 'micro', password: 'double-secret' },
): Promise<ClickHouseDouble> {
  const { createChdbConnection } = await import('chdb/connection');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'micro-ch-double-'));
  const scratch = mkdtempSync(path.join('/dev/shm', 'micro-ch-double-'));
  const conn = createChdbConnection({ path: dataDir }) as unknown as {
    exec(p: {
      query: string;
      query_params?: Record<string, unknown>;
      clickhouse_settings?: Record<string, unknown>;
      values?: Readable;
    }): Promise<{ stream: Readable }>;
    close(): Promise<void>;
  };
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => undefined);
    return next;
  };
  const read = async (s: Readable): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  };
  const run = async (
    query: string,
    params: Record<string, string>,
    settings: Record<string, string>,
    values?: Buffer,
  ): Promise<Buffer> => {
    const r = await conn.exec({
      query,
      query_params: params,
      clickhouse_settings: settings,
      values: values ? Readable.from([values]) : undefined,
    });
    return read(r.stream);
  };
  /** RowBinary can hold the byte pair that ends inline data in chDB: it goes through a file. */
  async function insertRowBinary(
    database: string,
    query: string,
    body: Buffer,
    settings: Record<string, string>,
  ): Promise<Buffer> {
    const m = /^\s*INSERT\s+INTO\s+([\w.`]+)\s*(?:\(([^)]*)\))?\s*FORMAT\s+RowBinary\s*$/i.exec(query);
    if (!m)
      throw Object.assign(new Error('the double takes RowBinary inserts as INSERT INTO t (columns) FORMAT RowBinary'), {
        code: '62',
        type: 'SYNTAX_ERROR',
      });
    const table = m[1]!.replace(/`/g, '');
    const columns = (m[2] ?? '')
      .split(',')
      .map((c) => c.trim().replace(/`/g, ''))
      .filter(Boolean);
    const types = JSON.parse(
      (
        await run(
          `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} FORMAT JSON`,
          { db: database, t: table },
          {},
        )
      ).toString('utf8'),
    ) as { data: Array<{ name: string; type: string }> };
    const byName = new Map(types.data.map((c) => [c.name, c.type]));
    const structure = columns.map((c) => `\`${c}\` ${byName.get(c)}`).join(', ');
    const file = path.join(scratch, `${randomBytes(8).toString('hex')}.bin`);
    writeFileSync(file, body);
    try {
      return await run(
        `INSERT INTO ${table} (${columns.map((c) => `\`${c}\``).join(', ')}) SELECT * FROM file('${file}', RowBinary, '${structure}')`,
        {},
        settings,
      );
    } finally {
      rmSync(file, { force: true });
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://double');
      if (url.pathname === '/ping') return void res.writeHead(200).end('Ok.\n');
      const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const [user, password] = basic
        ? Buffer.from(basic, 'base64').toString('utf8').split(':')
        : [url.searchParams.get('user'), url.searchParams.get('password')];
      if (user !== auth.user || password !== auth.password) {
        return void res
          .writeHead(516, { 'x-clickhouse-exception-code': '516' })
          .end(
            `Code: 516. DB::Exception: ${user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)\n`,
          );
      }
      const body = Buffer.concat(chunks);
      const params: Record<string, string> = {};
      const settings: Record<string, string> = {};
      for (const [k, v] of url.searchParams) {
        if (k.startsWith('param_')) params[k.slice(6)] = v;
        else if (!NOT_SETTINGS.has(k)) settings[k] = v;
      }
      const database = url.searchParams.get('database') || 'default';
      const inUrl = url.searchParams.get('query');
      const query = inUrl ?? body.toString('utf8');
      for (const name of stringParams(query)) {
        const raw = params[name];
        if (raw !== undefined && raw !== '\\N') params[name] = unescapeParam(raw);
      }
      serial(async () => {
        await run(`USE \`${database.replace(/`/g, '')}\``, {}, {});
        if (inUrl !== null && body.length > 0) {
          return /FORMAT\s+RowBinary\s*$/i.test(inUrl)
            ? insertRowBinary(database, inUrl, body, settings)
            : run(inUrl, params, settings, body);
        }
        return run(query, params, settings);
      }).then(
        (out) =>
          res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-summary': '{}' }).end(out),
        (err: { code?: string; type?: string; message?: string }) => {
          const code = err.code ?? '1000';
          const text = err.message ?? String(err);
          const body_ = /Code: \d+/.test(text)
            ? text
            : `Code: ${code}. DB::Exception: ${text} (${err.type ?? 'UNKNOWN'})`;
          res.writeHead(500, { 'x-clickhouse-exception-code': code }).end(`${body_}\n`);
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // A test process ends when its tests do: the double does not hold it open.
  server.unref();
  server.on('connection', (socket) => socket.unref());
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${auth.user}:${auth.password}@127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await conn.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
