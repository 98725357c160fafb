// `micro oncall override add|list|remove`: replace, add or take off someone on a schedule for a while.
import { Command } from 'commander';
import {
  CliError,
  currentUser,
  deleteJson,
  getJson,
  postJson,
  withCommonOptions,
  type CommonOptions,
} from '../api-client.js';
import { clock, durationFlag, printJson, table, timeFlag } from '../output.js';

interface OverrideRow {
  id: string;
  schedule: string;
  kind: string;
  user?: string;
  with?: string;
  start: string;
  end: string;
  author: string;
}

export function overrideCommand(): Command {
  const add = withCommonOptions(new Command('add'))
    .description(
      'micro oncall override add primary --replace alice --with bob --for 4h (or --add bob, --remove alice; --from/--to)',
    )
    .argument('<schedule>')
    .option('--replace <user>', 'who is replaced (with --with)')
    .option('--with <user>', 'who takes the shift')
    .option('--add <user>', 'add someone alongside whoever is on call')
    .option('--remove <user>', 'take someone off')
    .option('--from <time>', 'start (default now)')
    .option('--to <time>', 'end')
    .option('--for <duration>', 'or: how long from the start')
    .action(
      async (
        schedule: string,
        opts: CommonOptions & {
          replace?: string;
          with?: string;
          add?: string;
          remove?: string;
          from?: string;
          to?: string;
          for?: string;
        },
      ) => {
        const kinds = [opts.replace && 'replace', opts.add && 'add', opts.remove && 'remove'].filter(Boolean);
        if (kinds.length !== 1)
          throw new CliError('give one of --replace <user> --with <user>, --add <user> or --remove <user>', 2);
        if (opts.replace && !opts.with) throw new CliError('--replace needs --with <user>: who takes the shift', 2);
        if ((opts.to === undefined) === (opts.for === undefined))
          throw new CliError('give when it ends: --to <time> or --for <duration>', 2);
        const start = timeFlag('--from', opts.from) ?? new Date().toISOString();
        const end =
          opts.to !== undefined
            ? timeFlag('--to', opts.to)!
            : new Date(Date.parse(start) + durationFlag('--for', opts.for!)).toISOString();
        const body = opts.replace
          ? { kind: 'replace', user: opts.replace, with: opts.with }
          : opts.add
            ? { kind: 'add', with: opts.add }
            : { kind: 'remove', user: opts.remove };
        const o = await postJson<OverrideRow>(opts, 'api/v1/oncall/overrides', {
          schedule,
          ...body,
          start,
          end,
          author: currentUser(),
        });
        if (opts.output === 'json') return printJson(o);
        process.stdout.write(
          `override ${o.id} added to ${o.schedule} from ${clock(Date.parse(o.start))} to ${clock(Date.parse(o.end))}\n`,
        );
      },
    );
  const list = withCommonOptions(new Command('list'))
    .description('overrides added by hand')
    .action(async (opts: CommonOptions) => {
      const r = await getJson<{ overrides: OverrideRow[] }>(opts, 'api/v1/oncall/overrides');
      if (opts.output === 'json') return printJson(r);
      process.stdout.write(
        `${table(
          ['ID', 'SCHEDULE', 'KIND', 'USER', 'WITH', 'FROM', 'TO', 'AUTHOR'],
          r.overrides.map((o) => [
            o.id,
            o.schedule,
            o.kind,
            o.user ?? '-',
            o.with ?? '-',
            clock(Date.parse(o.start)),
            clock(Date.parse(o.end)),
            o.author,
          ]),
        )}\n`,
      );
    });
  const remove = withCommonOptions(new Command('remove'))
    .description('remove an override added by hand')
    .argument('<id>')
    .action(async (id: string, opts: CommonOptions) => {
      const r = await deleteJson<{ removed: string }>(opts, `api/v1/oncall/overrides/${encodeURIComponent(id)}`);
      if (opts.output === 'json') return printJson(r);
      process.stdout.write(`override ${r.removed} removed\n`);
    });
  return new Command('override')
    .description('replace, add or take off someone on a schedule for a while')
    .addCommand(add.exitOverride())
    .addCommand(list.exitOverride())
    .addCommand(remove.exitOverride());
}
