// `micro silence add|list|expire`.
import { Command } from 'commander';
import { deleteJson, currentUser, getJson, postJson, withCommonOptions, type CommonOptions } from '../api-client.js';
import { clock, durationFlag, printJson, table } from '../output.js';

interface SilenceRow {
  id: string;
  state: string;
  matchers: Array<{ name: string; op: string; value: string }>;
  startsAt: number;
  endsAt: number;
  author: string;
  comment: string;
}

const matcherText = (s: SilenceRow) => s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(',');

export function silenceCommand(): Command {
  const add = withCommonOptions(new Command('add'))
    .description(
      'silence the alerts that match, for a while: micro silence add service=checkout --duration 2h --comment "deploy"',
    )
    .argument('<matcher...>', 'name=value, name!=value, name=~regex or name!~regex')
    .option('--duration <duration>', 'how long', '1h')
    .requiredOption('--comment <text>', 'why')
    .option('--author <name>', 'who (default MICRO_USER or the login name)')
    .action(
      async (matchers: string[], opts: CommonOptions & { duration: string; comment: string; author?: string }) => {
        durationFlag('--duration', opts.duration);
        const s = await postJson<SilenceRow>(opts, 'api/v1/silences', {
          matchers,
          duration: opts.duration,
          comment: opts.comment,
          author: opts.author ?? currentUser(),
        });
        if (opts.output === 'json') return printJson(s);
        process.stdout.write(`silence ${s.id} ${s.state} until ${clock(s.endsAt)}: ${matcherText(s)}\n`);
      },
    );
  const list = withCommonOptions(new Command('list'))
    .description('silences, newest first')
    .option('--all', 'include expired silences')
    .action(async (opts: CommonOptions & { all?: boolean }) => {
      const { silences } = await getJson<{ silences: SilenceRow[] }>(opts, 'api/v1/silences');
      const shown = opts.all ? silences : silences.filter((s) => s.state !== 'expired');
      if (opts.output === 'json') return printJson({ silences: shown });
      process.stdout.write(
        `${table(
          ['ID', 'STATE', 'MATCHERS', 'STARTS', 'ENDS', 'AUTHOR', 'COMMENT'],
          shown.map((s) => [s.id, s.state, matcherText(s), clock(s.startsAt), clock(s.endsAt), s.author, s.comment]),
        )}\n`,
      );
    });
  const expire = withCommonOptions(new Command('expire'))
    .description('end a silence now')
    .argument('<id>')
    .action(async (id: string, opts: CommonOptions) => {
      const s = await deleteJson<SilenceRow>(opts, `api/v1/silences/${encodeURIComponent(id)}`);
      if (opts.output === 'json') return printJson(s);
      process.stdout.write(`silence ${s.id} expired\n`);
    });
  return new Command('silence')
    .description('silence alerts for a while')
    .addCommand(add.exitOverride())
    .addCommand(list.exitOverride())
    .addCommand(expire.exitOverride());
}
