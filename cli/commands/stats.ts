// `micro stats [service...] [--since 15m] [--watch]`: per instance and per service, like `top`.
import { Command, Option } from 'commander';
import { withCommonOptions, getJson, type CommonOptions } from '../api-client.js';
import {
  ago,
  bytes,
  count,
  durationFlag,
  millis,
  percent,
  printJson,
  rate,
  sparkline,
  table,
  trendsOf,
  withTrends,
  type ServiceSeries,
} from '../output.js';

interface StatsAnswer {
  since: number;
  message?: string;
  instances: Array<{
    service: string;
    instance: string;
    version: string;
    startedMs?: number | null;
    uptimeSeconds?: number | null;
    cpuPercent?: number | null;
    memoryBytes?: number | null;
    threads?: number | null;
    gcMs?: number | null;
    requests: number;
    errors: number;
  }>;
  services: Array<{
    service: string;
    rate: number;
    requests: number;
    errorRate: number;
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
  }>;
}

export function renderStats(s: StatsAnswer, series: ServiceSeries | null = null): string {
  const instances = table(
    ['SERVICE', 'INSTANCE', 'VERSION', 'STARTED', 'UPTIME', 'CPU', 'MEMORY', 'THREADS', 'GC', 'REQUESTS', 'ERRORS'],
    s.instances.map((i) => [
      i.service,
      i.instance || '-',
      i.version || '-',
      i.startedMs ? ago(i.startedMs) : '-',
      i.uptimeSeconds !== null && i.uptimeSeconds !== undefined ? millis(i.uptimeSeconds * 1000) : '-',
      i.cpuPercent !== null && i.cpuPercent !== undefined ? `${i.cpuPercent.toFixed(1)}%` : '-',
      bytes(i.memoryBytes),
      count(i.threads),
      millis(i.gcMs),
      count(i.requests),
      count(i.errors),
    ]),
    [4, 5, 6, 7, 8, 9, 10],
  );
  const services = table(
    ['SERVICE', 'RATE', 'RATE TREND', 'REQUESTS', 'ERROR %', 'P50', 'P95', 'P99', 'P99 TREND'],
    s.services.map((v) => {
      const trend = trendsOf(series, v.service);
      return [
        v.service,
        rate(v.rate),
        sparkline(trend.rate),
        count(v.requests),
        percent(v.errorRate),
        millis(v.p50Ms),
        millis(v.p95Ms),
        millis(v.p99Ms),
        sparkline(trend.p99Ms),
      ];
    }),
    [1, 3, 4, 5, 6, 7],
  );
  return [s.message ?? '', instances, '', services].filter((x, i) => i > 0 || x).join('\n');
}

export function statsCommand(): Command {
  return withCommonOptions(new Command('stats'))
    .description(
      'runtime stats per instance (cpu, memory, threads, GC, requests, errors) and rate, errors and latency per service',
    )
    .argument('[service...]', 'services to show (all by default)')
    .option('--since <duration>', 'window', '15m')
    .addOption(new Option('-w, --watch', 'refresh in place, like top'))
    .option('--interval <duration>', 'refresh interval with --watch', '2s')
    .action(async (services: string[], opts: CommonOptions & { since: string; watch?: boolean; interval: string }) => {
      durationFlag('--since', opts.since);
      const everyMs = Math.max(250, durationFlag('--interval', opts.interval));
      const fetchStats = () =>
        Promise.all([
          getJson<StatsAnswer>(opts, 'api/v1/stats', { service: services, since: opts.since }),
          getJson<ServiceSeries>(opts, 'api/v1/series/services', { service: services, since: opts.since }),
        ]);
      if (!opts.watch) {
        const both = await fetchStats();
        if (opts.output === 'json') printJson(withTrends(...both));
        else process.stdout.write(`${renderStats(...both)}\n`);
        return;
      }
      for (;;) {
        const both = await fetchStats();
        const out = opts.output === 'json' ? JSON.stringify(withTrends(...both)) : renderStats(...both);
        // Home the cursor and clear the screen, then draw: refreshed in place like top.
        process.stdout.write(
          `\u001b[H\u001b[2J${new Date().toLocaleTimeString()}  micro stats ${services.join(' ')} (every ${opts.interval}, Ctrl-C to stop)\n\n${out}\n`,
        );
        await new Promise((r) => setTimeout(r, everyMs));
      }
    });
}
