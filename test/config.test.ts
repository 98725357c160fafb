// One schema validates the server's settings from the file, the environment and the flags;
// every problem names its field (and the file line).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ConfigError, loadConfigFile, resolveServerConfig } from '../config/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'micro-config-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('defaults', () => {
  const c = resolveServerConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.apiPort, 8080);
  assert.equal(c.otlpHttpPort, 4318);
  assert.equal(c.otlpGrpcPort, 4317);
  assert.equal(c.dataDir, './data');
  assert.equal(c.retention.traces, 7 * 86400_000);
  assert.equal(c.retention.metrics, 30 * 86400_000);
  assert.equal(c.maxBodySize, 16 * 1024 * 1024);
  assert.equal(c.flushInterval, 50);
});

test('durations and sizes in their usual spellings', () => {
  const c = resolveServerConfig({
    retention: { traces: '12h', logs: '2w', metrics: 90 * 86400_000 },
    maxQueueSize: '64MiB',
    flushInterval: '1s',
  });
  assert.equal(c.retention.traces, 12 * 3600_000);
  assert.equal(c.retention.logs, 14 * 86400_000);
  assert.equal(c.maxQueueSize, 64 * 1024 * 1024);
  assert.equal(c.flushInterval, 1000);
});

test('every invalid field is named', () => {
  try {
    resolveServerConfig({
      apiPort: 70000,
      retention: { traces: 'soon', logs: '5m' },
      clickhouseUrl: 'ftp://x',
      maxQueueSize: 'lots',
    });
    assert.fail('should not validate');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /apiPort/);
    assert.match(text, /retention\.traces: "soon" is not a duration/);
    assert.match(text, /retention\.logs: "5m" is too short/);
    assert.match(text, /clickhouseUrl: must be an http\(s\) URL/);
    assert.match(text, /maxQueueSize/);
  }
});

test('micro.yaml: problems name the field and the line', () => {
  const p = file(
    'bad.yaml',
    'server:\n  apiPort: 8080\n  otlpHttpPort: nope\nretention:\n  traces: 7d\n  logs: forever\nalerts: []\n',
  );
  try {
    loadConfigFile(p);
    assert.fail('should not validate');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /bad\.yaml:3: server\.otlpHttpPort/);
    assert.match(text, /bad\.yaml:6: retention\.logs: "forever" is not a duration/);
    assert.match(text, /unknown field alerts/);
  }
  const good = loadConfigFile(file('good.yaml', 'server:\n  apiPort: 9000\nretention:\n  traces: 3d\n'));
  assert.equal(good.server?.apiPort, 9000);
  assert.equal(good.retention?.traces, 3 * 86400_000);
});

test('micro server refuses a bad setting with one sentence and exit code 2', () => {
  const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
  const r = spawnSync(process.execPath, [main, 'server', '--retention-traces', 'tomorrow', '--data-dir', dir], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /retention\.traces: "tomorrow" is not a duration/);
});

test('the compose files give their ClickHouse servers the settings the embedded engine runs with', async () => {
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  for (const file of ['docker-compose.yml', 'docker-compose.replicas.yml']) {
    const compose = parse(readFileSync(path.join(root, file), 'utf8'), { merge: true }) as {
      services: Record<string, { image?: string; volumes?: string[] }>;
    };
    const servers = Object.values(compose.services).filter((s) => s.image?.startsWith('clickhouse/clickhouse-server'));
    assert.ok(servers.length > 0, file);
    for (const s of servers)
      assert.ok(
        s.volumes?.includes('./deploy/clickhouse-caches.xml:/etc/clickhouse-server/config.d/micro-caches.xml:ro'),
        `${file}: ${JSON.stringify(s.volumes)}`,
      );
  }
});

test('docker-compose.yml runs micro-observe against the ClickHouse service', async () => {
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<
      string,
      { environment?: Record<string, string>; depends_on?: object; build?: string; image?: string }
    >;
  };
  assert.ok(compose.services.clickhouse?.image?.startsWith('clickhouse/clickhouse-server'));
  const micro = compose.services.micro!;
  assert.equal(micro.build, '.');
  assert.match(micro.environment!.MICRO_CLICKHOUSE_URL!, /^http:\/\/micro:.*@clickhouse:8123\/micro$/);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: docker-compose's own variable syntax, as written in the file
  const url = micro.environment!.MICRO_CLICKHOUSE_URL!.replace('${CLICKHOUSE_PASSWORD:-change-me}', 'pw');
  assert.doesNotThrow(() => resolveServerConfig({ clickhouseUrl: url, host: micro.environment!.MICRO_HOST }));
});

test('docker-compose.replicas.yml: Keeper, ClickHouse, two ingest,query and two alerting replicas, each valid', async () => {
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const compose = parse(readFileSync(path.join(root, 'docker-compose.replicas.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; command?: string[]; image?: string }>;
  };
  assert.ok(compose.services.keeper?.image?.startsWith('clickhouse/clickhouse-keeper'));
  const roles = Object.entries(compose.services)
    .filter(([, s]) => s.command?.[0] === 'server')
    .map(([name, s]) => {
      const env = s.environment!;
      const config = resolveServerConfig({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: docker-compose's own variable syntax, as written in the file
        clickhouseUrl: env.MICRO_CLICKHOUSE_URL!.replace('${CLICKHOUSE_PASSWORD:-change-me}', 'pw'),
        keeper: env.MICRO_KEEPER as never,
        keeperSessionTimeout: env.MICRO_KEEPER_SESSION_TIMEOUT,
        advertiseUrl: env.MICRO_ADVERTISE_URL,
        host: env.MICRO_HOST,
        role: s.command![2] as never,
      });
      assert.equal(config.advertiseUrl, `http://${name}:8080`);
      return config.role.join(',');
    });
  assert.deepEqual(roles.sort(), ['alerting', 'alerting', 'ingest,query', 'ingest,query']);
});

test('a YAML alias bomb is refused as a file that cannot be read, by micro apply and micro server alike (exit 2)', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const x of 'bcdefgh')
    levels.push(
      `${x}: &${x} [${Array(9)
        .fill(`*${String.fromCharCode(x.charCodeAt(0) - 1)}`)
        .join(',')}]`,
    );
  for (const [name, text] of [
    ['bomb.yaml', `${levels.join('\n')}\nchecks: *h\n`],
    ['bomb-small.yaml', `${levels.slice(0, 4).join('\n')}\nusers: *d\n`],
  ] as const) {
    const p = file(name, text);
    assert.throws(
      () => loadConfigFile(p),
      (err: unknown) =>
        err instanceof ConfigError && /alias count.*cannot be read as configuration/.test(err.problems.join()),
    );
    const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
    for (const args of [
      ['apply', '-f', p, '--api', 'http://127.0.0.1:9'],
      ['server', '--config', p, '--data-dir', dir],
    ]) {
      const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${name}: Excessive alias count.*cannot be read as configuration`));
      assert.doesNotMatch(r.stderr, /could not start/);
    }
  }
});

test('roles: all by default, a comma list with a ClickHouse server, and only all on the embedded store', () => {
  assert.deepEqual(resolveServerConfig({}).role, ['ingest', 'query', 'alerting']);
  const url = 'http://micro:secret@ch:8123/micro';
  assert.deepEqual(resolveServerConfig({ clickhouseUrl: url, role: 'alerting, ingest' as never }).role, [
    'ingest',
    'alerting',
  ]);
  const refused = (input: Parameters<typeof resolveServerConfig>[0], pattern: RegExp) =>
    assert.throws(
      () => resolveServerConfig(input),
      (err: unknown) => err instanceof ConfigError && pattern.test(err.problems.join('\n')),
    );
  refused({ role: 'ingest' as never }, /role: the embedded store is owned by one process.*--clickhouse-url/);
  refused({ clickhouseUrl: url, role: 'ingest,reporting' as never }, /role\.1: must be all, or a comma list/);
  refused({ keeper: 'zk:2181' as never }, /keeper: needs --clickhouse-url/);
  refused({ clickhouseUrl: url, keeper: 'zk' as never }, /keeper\.0: must be host:port/);
  refused({ clickhouseCluster: 'prod' }, /clickhouseCluster: needs --clickhouse-url/);
  const c = resolveServerConfig({ clickhouseUrl: url, keeper: 'k1:9181,k2:9181' as never, keeperSessionTimeout: '5s' });
  assert.deepEqual(c.keeper, ['k1:9181', 'k2:9181']);
  assert.equal(c.keeperSessionTimeout, 5000);
});
