// Failover of alerting between two replicas (Keeper: Apache ZooKeeper; store: the ClickHouse HTTP
// double; test/support/failover.ts): the leader is killed (kill -9) ten times while an alert
// fires; the figure is the time from the kill to the first check the new leader runs (the first
// probe to reach the check's target after the kill), median and max, beside the session timeout
// it is bound by. Also printed: the pages (duplicates, misses) and the window between a lease's
// confirmation and the send it allowed (the only time a paused leader could still send).
import { performance } from 'node:perf_hooks';
import { type FailoverCluster, startFailoverCluster } from '../test/support/failover.js';
import { quantile } from './quantile.js';

const ROUNDS = Number(process.env.BENCH_FAILOVER_ROUNDS ?? 10);
const SESSION_TIMEOUT_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, f: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const stat = (xs: number[]) => {
  return { median: quantile(xs, 0.5), max: xs.length ? Math.max(...xs) : Number.NaN };
};

async function main(): Promise<void> {
  const t0 = performance.now();
  const cluster: FailoverCluster = await startFailoverCluster({
    alerting: 2,
    ingest: 1,
    sessionTimeout: `${SESSION_TIMEOUT_MS}ms`,
    scenarios: [{ check: 'failover', steps: [{ user: 'alice', after: '0s' }] }],
  });
  const everyAlerting = [...cluster.alerting];
  try {
    const target = cluster.targets.get('failover')!;
    const firstCheck: number[] = [];
    const leaseSeen: number[] = [];
    const mails = (kind: string) => cluster.mailsOf('failover').filter((m) => m.subject.startsWith(`[${kind}]`));
    for (let round = 0; round < ROUNDS; round++) {
      const leader = await cluster.waitForLeader(null);
      target.status = 500;
      await until('the page', () => mails('FIRING').length > round);
      const killedAt = Date.now();
      await cluster.alerting[leader.index]!.kill9();
      const restarted = cluster.restartAlerting(leader.index).then((c) => everyAlerting.push(c));
      const next = await cluster.waitForLeader(leader.index);
      leaseSeen.push(next.ms);
      await until('a check by the new leader', () => target.hits.some((t) => t > killedAt));
      firstCheck.push(target.hits.find((t) => t > killedAt)! - killedAt);
      target.status = 200;
      await until('the resolved page', () => mails('RESOLVED').length > round);
      await restarted;
      process.stdout.write(`  round ${round + 1}/${ROUNDS}: first check by the new leader ${firstCheck.at(-1)} ms\n`);
    }
    await sleep(2000);
    const all = cluster.mailsOf('failover');
    const unique = new Set(all.map((m) => m.messageId)).size;
    const windows = everyAlerting
      .flatMap((c) => c.output)
      .filter((l) => l.includes('"msg":"page sent"'))
      .map((l) => (JSON.parse(l) as { windowMs: number }).windowMs);
    const f = stat(firstCheck);
    const l = stat(leaseSeen);
    const w = stat(windows);
    console.log(`\nalerting failover, ${ROUNDS} kills of the leader, Keeper session timeout ${SESSION_TIMEOUT_MS} ms`);
    console.log('| figure | median | max |');
    console.log('|---|---|---|');
    console.log(`| leader killed → first check run by the new leader | ${f.median} ms | ${f.max} ms |`);
    console.log(`| leader killed → new leader seen in /metrics | ${l.median} ms | ${l.max} ms |`);
    console.log(
      `| ratio of the first-check time to the session timeout | ${(f.median / SESSION_TIMEOUT_MS).toFixed(2)} | ${(f.max / SESSION_TIMEOUT_MS).toFixed(2)} |`,
    );
    console.log(`| lease confirmed → page accepted by SMTP (duplicate window) | ${w.median} ms | ${w.max} ms |`);
    // The leader is killed the moment its page reaches the mail server: the worst moment, when the
    // page may be accepted and not yet recorded as sent. The next leader then sends it again under
    // the same Message-ID (mail clients show one message); no page is ever missed.
    console.log(
      `pages: ${unique} distinct of ${2 * ROUNDS} due (${2 * ROUNDS - unique} missed); ${all.length - unique} delivered ` +
        "a second time under the same Message-ID (the leader killed between the mail server's acceptance and the " +
        `log's 'sent' row); ${Math.round((performance.now() - t0) / 1000)} s in all`,
    );
  } finally {
    await cluster.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
