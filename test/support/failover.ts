// Several micro-observe processes on one store, as the scale-out issue runs them: the ClickHouse
// HTTP double as the server, Apache ZooKeeper as the Keeper, a real SMTP server, real HTTP targets,
// and `micro server` child processes with --role ingest,query and --role alerting.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { type ClickHouseDouble, startClickHouseDouble } from './clickhouse-double.js';
import { type ChildServer, spawnServer } from './child-server.js';
import { startTarget, type FlakyTarget } from './paging.js';
import { makeDataDir, removeDataDir } from './server.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from './smtp.js';
import { startZooKeeper, type TestZooKeeper } from './zookeeper.js';

/** One check, its target, and the policy that pages for it. */
export interface Scenario {
  check: string;
  /** Steps of its policy: who is paged, how long after the alert fires. */
  steps: Array<{ user: string; after: string }>;
}

export interface FailoverCluster {
  storeUrl: string;
  keeper: string;
  smtp: TestSmtp;
  targets: Map<string, FlakyTarget>;
  alerting: ChildServer[];
  ingest: ChildServer[];
  /** Restarts the alerting replica `i` (after it was killed). */
  restartAlerting(i: number): Promise<ChildServer>;
  /** Which alerting replica leads `default` now (asking each; a paused one does not answer). */
  leader(): Promise<number | null>;
  /** Waits until a replica other than `not` leads; how long it took. */
  waitForLeader(not: number | null, timeoutMs?: number): Promise<{ index: number; ms: number }>;
  mailsOf(check: string): ReceivedMail[];
  /** Each alerting replica's state and leader gauge, Keeper's, and the replicas' recent log. */
  whyNoLeader(): Promise<string>;
  /** The admin token a replica created in its data directory (tokens live in the shared store). */
  adminToken(replica: ChildServer): string;
  /** Starts a `micro server` on another database of the same ClickHouse, with these flags. */
  spawnOn(database: string, args: string[]): Promise<ChildServer>;
  query<T>(sql: string): Promise<T[]>;
  /** What the alerting replicas said lately about leases, alerts and pages (for a failure's message). */
  recentLog(lines?: number): string;
  close(): Promise<void>;
}

/** Log lines that tell a failover's story (not request logs). */
const TELLING = /lease|leads|alert |page|escalation|namespace|Keeper|"level":(40|50|60)/;

const USERS = ['alice', 'bob', 'carol'];

function configYaml(smtpPort: number, scenarios: Scenario[], targets: Map<string, FlakyTarget>): string {
  const lines = [
    'notifications:',
    '  smtp:',
    '    host: 127.0.0.1',
    `    port: ${smtpPort}`,
    '    from: pager@example.com',
  ];
  lines.push('users:', ...USERS.flatMap((u) => [`  - id: ${u}`, `    email: ${u}@example.com`]));
  lines.push('checks:');
  for (const s of scenarios)
    lines.push(
      `  - name: ${s.check}`,
      `    service: ${s.check}`,
      '    interval: 1s',
      '    timeout: 500ms',
      '    failureThreshold: 1',
      `    labels: { severity: page, scenario: ${s.check} }`,
      `    http: { url: "${targets.get(s.check)!.url}" }`,
    );
  lines.push('policies:');
  for (const s of scenarios)
    lines.push(
      `  - id: ${s.check}`,
      '    steps:',
      ...s.steps.flatMap((st) => [`      - notify: [user:${st.user}]`, `        after: ${st.after}`]),
    );
  lines.push('routes:', ...scenarios.map((s) => `  - match: { scenario: ${s.check} }\n    policy: ${s.check}`));
  return `${lines.join('\n')}\n`;
}

export async function startFailoverCluster(o: {
  scenarios: Scenario[];
  alerting: number;
  ingest: number;
  sessionTimeout: string;
}): Promise<FailoverCluster> {
  const double: ClickHouseDouble = await startClickHouseDouble();
  const admin: ClickHouseClient = createClient({ url: double.url });
  await admin.command({ query: 'CREATE DATABASE IF NOT EXISTS micro_failover' });
  const storeUrl = `${double.url}/micro_failover`;
  const zk: TestZooKeeper = await startZooKeeper();
  const smtp = await startSmtp();
  const targets = new Map<string, FlakyTarget>();
  for (const s of o.scenarios) targets.set(s.check, await startTarget());
  const dirs = [...Array(o.alerting + o.ingest)].map(() => makeDataDir());
  const config = path.join(dirs[0]!, 'micro.yaml');
  writeFileSync(config, configYaml(smtp.port, o.scenarios, targets));
  // Every replica signs acknowledge links and seals secrets with the same key.
  process.env.MICRO_SIGNING_KEY = 'failover-test-signing-key-0123456789';
  const common = ['--clickhouse-url', storeUrl, '--keeper', zk.address, '--keeper-session-timeout', o.sessionTimeout];
  const startAlerting = (i: number) =>
    spawnServer(dirs[i]!, [...common, '--role', 'alerting', '-c', config, '--log-level', 'info']);
  // One at a time: the first creates the schema, and the first alerting replica leads.
  const alerting: ChildServer[] = [];
  for (let i = 0; i < o.alerting; i++) alerting.push(await startAlerting(i));
  const ingest: ChildServer[] = [];
  for (let i = 0; i < o.ingest; i++)
    ingest.push(await spawnServer(dirs[o.alerting + i]!, [...common, '--role', 'ingest,query']));

  const leaderOf = async (c: ChildServer): Promise<boolean> => {
    try {
      const res = await fetch(`${c.apiUrl}/metrics`, { signal: AbortSignal.timeout(700) });
      return /^micro_alerting_leader\{namespace="default"\} 1$/m.test(await res.text());
    } catch {
      return false;
    }
  };
  const cluster: FailoverCluster = {
    storeUrl,
    keeper: zk.address,
    smtp,
    targets,
    alerting,
    ingest,
    async restartAlerting(i) {
      alerting[i] = await startAlerting(i);
      return alerting[i]!;
    },
    async leader() {
      const flags = await Promise.all(alerting.map((c) => (c.proc.exitCode === null ? leaderOf(c) : false)));
      const i = flags.indexOf(true);
      return i < 0 ? null : i;
    },
    async waitForLeader(not, timeoutMs = 30_000) {
      const t0 = Date.now();
      for (;;) {
        const i = await cluster.leader();
        if (i !== null && i !== not) return { index: i, ms: Date.now() - t0 };
        if (Date.now() - t0 > timeoutMs)
          throw new Error(`no other replica took the lease within ${timeoutMs} ms\n${await cluster.whyNoLeader()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async whyNoLeader() {
      const replicas = await Promise.all(
        alerting.map(async (c, i) => {
          const state = c.proc.exitCode === null && c.proc.signalCode === null ? 'running' : 'exited';
          const said = await fetch(`${c.apiUrl}/metrics`, { signal: AbortSignal.timeout(2000) })
            .then(async (res) => (await res.text()).split('\n').filter((l) => l.startsWith('micro_alerting_leader')))
            .then(
              (lines) => lines.join(' ') || 'no leader gauge',
              (err: unknown) => `/metrics: ${String(err)}`,
            );
          return `alerting replica ${i} (pid ${c.proc.pid}, ${state}): ${said}`;
        }),
      );
      return [...replicas, await zk.describe(), cluster.recentLog()].join('\n');
    },
    adminToken(replica) {
      const i = [...alerting, ...ingest].indexOf(replica);
      const dir = i < alerting.length ? dirs[i] : dirs[o.alerting + (i - alerting.length)];
      return readFileSync(path.join(dir!, 'secrets', 'admin-token'), 'utf8').trim();
    },
    async spawnOn(database, args) {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
      const dir = makeDataDir();
      dirs.push(dir);
      return spawnServer(dir, ['--clickhouse-url', `${double.url}/${database}`, ...args]);
    },
    mailsOf: (check) => smtp.mails.filter((m) => m.subject.includes(check)),
    async query<T>(sql: string) {
      const rs = await admin.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: {} });
      return rs.json<T>();
    },
    recentLog(lines = 40) {
      return alerting
        .map((c, i) => {
          const told = c.output.filter((l) => TELLING.test(l)).slice(-lines);
          return `--- alerting replica ${i} (pid ${c.proc.pid}, ${c.proc.exitCode === null ? 'running' : 'exited'}):\n${told.join('\n')}`;
        })
        .join('\n');
    },
    async close() {
      await Promise.allSettled([...alerting, ...ingest].map((c) => (c.proc.exitCode === null ? c.kill9() : null)));
      await admin.close();
      await Promise.allSettled([zk.close(), smtp.close(), ...[...targets.values()].map((t) => t.close())]);
      await double.close();
      for (const d of dirs) await removeDataDir(d);
    },
  };
  return cluster;
}
