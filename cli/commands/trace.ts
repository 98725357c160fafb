// `micro trace [service] [filters]` lists traces; `micro trace <trace-id>` draws one.
import { Command } from 'commander';
import { CliError, getJson, withCommonOptions, type CommonOptions } from '../api-client.js';
import { clock, count, durationFlag, millis, pc, printJson, table } from '../output.js';
import { renderWaterfall, type WaterfallSpan } from '../waterfall.js';

interface TraceList {
  message?: string;
  traces: Array<{
    traceId: string;
    rootService: string;
    rootOperation: string;
    startMs: number;
    durationMs: number;
    spans: number;
    errors: number;
  }>;
}

interface TraceOptions extends CommonOptions {
  since: string;
  minDuration?: string;
  errors?: boolean;
  name?: string;
  attr: string[];
  limit: string;
}

const looksLikeTraceId = (s: string) => /^[0-9a-fA-F]{32}$/.test(s);

export function traceCommand(): Command {
  return withCommonOptions(new Command('trace'))
    .description('list traces, or draw one as a waterfall: micro trace <trace-id>')
    .argument('[service-or-trace-id]', 'a service to list traces of, or a trace id (32 hex digits) to draw')
    .option('--since <duration>', 'window', '1h')
    .option('--min-duration <duration>', 'only traces with a span at least this long, like 200ms')
    .option('--errors', 'only traces with an error')
    .option('--name <operation>', 'only traces with a span of this name')
    .option(
      '--attr <key=value>',
      'only traces with this span or resource attribute (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--limit <n>', 'most traces to list', '20')
    .action(async (arg: string | undefined, opts: TraceOptions) => {
      if (arg && looksLikeTraceId(arg)) {
        const t = await getJson<{ traceId: string; spans: WaterfallSpan[] }>(
          opts,
          `api/v1/traces/${arg.toLowerCase()}`,
        );
        if (opts.output === 'json') return printJson(t);
        process.stdout.write(
          `${renderWaterfall(t.traceId, t.spans, Math.max(20, Math.min(60, (process.stdout.columns ?? 160) - 110)))}\n`,
        );
        return;
      }
      if (arg && /^[0-9a-fA-F-]{16,}$/.test(arg) && !looksLikeTraceId(arg)) {
        throw new CliError(`"${arg}" is not a trace id: a trace id is 32 hex digits`, 2);
      }
      durationFlag('--since', opts.since);
      durationFlag('--min-duration', opts.minDuration);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        throw new CliError(`--limit: "${opts.limit}" is not a positive whole number`, 2);
      for (const a of opts.attr) if (!a.includes('=')) throw new CliError(`--attr: "${a}" is not key=value`, 2);
      const list = await getJson<TraceList>(opts, 'api/v1/traces', {
        service: arg,
        since: opts.since,
        minDuration: opts.minDuration,
        errors: opts.errors,
        name: opts.name,
        attr: opts.attr,
        limit,
      });
      if (opts.output === 'json') return printJson(list);
      // The answer says why it is empty; an empty table's header would add nothing to that.
      if (list.message && !list.traces.length) return void process.stdout.write(`${list.message}\n`);
      process.stdout.write(
        `${table(
          ['TRACE ID', 'ROOT SERVICE', 'OPERATION', 'START', 'DURATION', 'SPANS', 'ERRORS'],
          list.traces.map((t) => [
            t.traceId,
            t.rootService || '?',
            t.rootOperation || '?',
            clock(t.startMs),
            millis(t.durationMs),
            count(t.spans),
            t.errors ? pc.red(count(t.errors)) : '0',
          ]),
          [4, 5, 6],
        )}\n`,
      );
    });
}
