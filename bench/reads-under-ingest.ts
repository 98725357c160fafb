// bench/ingest's reads while ingesting: the API's services and stats reads (what the console's
// overview and `micro services` / `micro stats` ask for) timed while senders keep the collector
// busy, against the same reads with nothing arriving, in the same server.
import { quantile } from './quantile.js';

const READS = ['/api/v1/services', '/api/v1/stats'] as const;
const IDLE_ROUNDS = 15;

export interface ReadTimes {
  p50: number;
  p99: number;
  reads: number;
}

function summary(times: number[]): ReadTimes {
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), reads: times.length };
}

async function timedRead(apiUrl: string, token: string, path: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status} during the reads`);
  return performance.now() - started;
}

/** The reads, one after the other, idle first and then for as long as `ingest` runs. */
export async function readsWhileIngesting(
  apiUrl: string,
  token: string,
  ingest: () => Promise<void>,
): Promise<{ idle: ReadTimes; busy: ReadTimes }> {
  const idle: number[] = [];
  for (let round = 0; round < IDLE_ROUNDS; round++)
    for (const path of READS) idle.push(await timedRead(apiUrl, token, path));
  const busy: number[] = [];
  let ingesting = true;
  const reading = (async () => {
    while (ingesting) {
      for (const path of READS) busy.push(await timedRead(apiUrl, token, path));
      // A pause between rounds, so the reads take a small share of the CPU the ingest is measured on.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    await ingest();
  } finally {
    ingesting = false;
    await reading;
  }
  return { idle: summary(idle), busy: summary(busy) };
}
