// `micro logs <service> [-f] [-n 15] [--since 1h] [--grep text] [--level warn] [--trace id]`.
import { Command, Option } from 'commander';
import { CliError, apiRequest, apiUrl, getJson, withCommonOptions, type CommonOptions } from '../api-client.js';
import { clock, durationFlag, levelColor, pc } from '../output.js';

interface LogLine {
  timeMs: number;
  level: string;
  service: string;
  body: string;
  traceId: string;
}

interface LogsOptions extends CommonOptions {
  follow?: boolean;
  lines: string;
  since: string;
  grep?: string;
  level?: string;
  trace?: string;
}

export function formatLogLine(l: LogLine): string {
  const level = (l.level || '-').padEnd(5);
  const body = l.body.includes('\n') ? l.body.replace(/\n/g, '\n    ') : l.body;
  return `${pc.dim(clock(l.timeMs))} ${levelColor(level)} ${pc.cyan(l.service)} ${body}${l.traceId ? pc.dim(` trace=${l.traceId}`) : ''}`;
}

export function logsCommand(): Command {
  return withCommonOptions(new Command('logs'))
    .description('log lines of a service: time, level, service, message and trace id')
    .argument('[service...]', 'services (all by default)')
    .option('-f, --follow', 'keep printing new lines as they arrive')
    .option('-n, --lines <n>', 'how many of the newest lines', '15')
    .option('--since <duration>', 'how far back', '1h')
    .option('--grep <text>', 'only lines containing this text (any case)')
    .addOption(
      new Option('--level <level>', 'only lines at this level or above').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'fatal',
      ]),
    )
    .option('--trace <trace-id>', 'only lines of this trace')
    .action(async (services: string[], opts: LogsOptions) => {
      durationFlag('--since', opts.since);
      const limit = Number(opts.lines);
      if (!Number.isInteger(limit) || limit <= 0)
        throw new CliError(`-n: "${opts.lines}" is not a positive whole number`, 2);
      if (opts.trace && !/^[0-9a-fA-F]{32}$/.test(opts.trace))
        throw new CliError(`--trace: "${opts.trace}" is not a trace id (32 hex digits)`, 2);
      const query = {
        service: services,
        since: opts.since,
        grep: opts.grep,
        level: opts.level,
        trace: opts.trace,
        limit,
      };
      const print = (l: LogLine) =>
        process.stdout.write(opts.output === 'json' ? `${JSON.stringify(l)}\n` : `${formatLogLine(l)}\n`);
      if (!opts.follow) {
        const answer = await getJson<{ lines: LogLine[]; message?: string }>(opts, 'api/v1/logs', query);
        if (answer.lines.length === 0 && answer.message && opts.output !== 'json')
          process.stderr.write(`${answer.message}\n`);
        if (opts.output === 'json') process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        else answer.lines.forEach(print);
        return;
      }
      const res = await apiRequest(apiUrl(opts.api, 'api/v1/logs/follow', query), opts);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
          const text = buffered.slice(0, i);
          buffered = buffered.slice(i + 1);
          const line = JSON.parse(text) as LogLine & { error?: { message: string } };
          if (line.error) throw new CliError(line.error.message);
          if (line.body !== undefined) print(line);
        }
      }
      throw new CliError('the server closed the log stream');
    });
}
