// `micro services` and `micro deps`.
import { Command } from 'commander';
import { withCommonOptions, getJson, type CommonOptions } from '../api-client.js';
import {
  ago,
  count,
  durationFlag,
  millis,
  pc,
  percent,
  printJson,
  rate,
  sparkline,
  table,
  trendsOf,
  withTrends,
  type ServiceSeries,
} from '../output.js';

interface ServicesAnswer {
  message?: string;
  services: Array<{
    service: string;
    instances: number;
    spans: number;
    requests: number;
    rate: number;
    errorRate: number;
    p50Ms: number;
    p99Ms: number;
    lastSeenMs: number;
  }>;
}

interface DepsAnswer {
  message?: string;
  edges: Array<{ parent: string; child: string; calls: number; errors: number; errorRate: number }>;
}

export function servicesCommand(): Command {
  return withCommonOptions(new Command('services'))
    .description('services that sent traces, with their traffic')
    .option('--since <duration>', 'window', '1h')
    .action(async (opts: CommonOptions & { since: string }) => {
      durationFlag('--since', opts.since);
      const [s, series] = await Promise.all([
        getJson<ServicesAnswer>(opts, 'api/v1/services', { since: opts.since }),
        getJson<ServiceSeries>(opts, 'api/v1/series/services', { since: opts.since }),
      ]);
      // JSON: the trend as numbers per step, beside each service.
      if (opts.output === 'json') return printJson(withTrends(s, series));
      // The answer says why it is empty; an empty table's header would add nothing to that.
      if (s.message && !s.services.length) return void process.stdout.write(`${s.message}\n`);
      process.stdout.write(
        `${table(
          ['SERVICE', 'INSTANCES', 'REQUESTS', 'RATE', 'RATE TREND', 'ERROR %', 'P50', 'P99', 'P99 TREND', 'LAST SEEN'],
          s.services.map((v) => {
            const trend = trendsOf(series, v.service);
            return [
              v.service,
              count(v.instances),
              count(v.requests),
              rate(v.rate),
              sparkline(trend.rate),
              percent(v.errorRate),
              millis(v.p50Ms),
              millis(v.p99Ms),
              sparkline(trend.p99Ms),
              ago(v.lastSeenMs),
            ];
          }),
          [1, 2, 3, 5, 6, 7],
        )}\n`,
      );
    });
}

export function depsCommand(): Command {
  return withCommonOptions(new Command('deps'))
    .description('which service calls which, with call counts and error rates')
    .option('--since <duration>', 'window', '1h')
    .action(async (opts: CommonOptions & { since: string }) => {
      durationFlag('--since', opts.since);
      const d = await getJson<DepsAnswer>(opts, 'api/v1/deps', { since: opts.since });
      if (opts.output === 'json') return printJson(d);
      if (d.message && !d.edges.length) return void process.stdout.write(`${d.message}\n`);
      process.stdout.write(
        `${table(
          ['CALLER', '', 'CALLEE', 'CALLS', 'ERRORS', 'ERROR %'],
          d.edges.map((e) => [
            e.parent,
            '→',
            e.child,
            count(e.calls),
            count(e.errors),
            e.errors > 0 ? pc.red(percent(e.errorRate)) : percent(e.errorRate),
          ]),
          [3, 4, 5],
        )}\n`,
      );
    });
}
