// `micro oncall [schedule] [--at time]`, `micro oncall shifts`, `micro oncall override`,
// `micro oncall check`, `micro oncall feeds` and `micro page test`.
import { Command } from 'commander';
import { CliError, currentUser, getJson, postJson, withCommonOptions, type CommonOptions } from '../api-client.js';
import { clock, durationFlag, pc, printJson, table, timeFlag } from '../output.js';
import { overrideCommand } from './oncall-override.js';

interface Person {
  id: string;
  name: string;
}
interface WhoView {
  schedule: string;
  at: number;
  onCall: Person[];
  until: number | null;
  next: Person[] | null;
  calendarUrl: string;
}

const names = (p: Person[] | null): string =>
  p === null ? '-' : p.length === 0 ? pc.red('nobody') : p.map((x) => x.name).join(', ');

function whoCommand(cmd: Command): Command {
  return withCommonOptions(cmd)
    .argument('[schedule]', 'one schedule (default: all)')
    .option('--at <time>', 'who is on call at this time: 2026-12-24T20:00:00Z, or a duration from now such as 3d')
    .action(async (schedule: string | undefined, opts: CommonOptions & { at?: string }) => {
      const at = timeFlag('--at', opts.at);
      const views = schedule
        ? [await getJson<WhoView>(opts, `api/v1/oncall/schedules/${encodeURIComponent(schedule)}`, { at })]
        : (await getJson<{ schedules: WhoView[] }>(opts, 'api/v1/oncall', { at })).schedules;
      if (opts.output === 'json') return printJson(schedule ? views[0] : { schedules: views });
      if (views.length === 0) return void process.stdout.write('no schedules are declared (see micro apply)\n');
      process.stdout.write(
        `${table(
          ['SCHEDULE', 'ON CALL', 'UNTIL', 'NEXT'],
          views.map((v) => [v.schedule, names(v.onCall), v.until === null ? '-' : clock(v.until), names(v.next)]),
        )}\n`,
      );
    });
}

function shiftsCommand(): Command {
  return withCommonOptions(new Command('shifts'))
    .description('the shifts of a schedule: micro oncall shifts primary --next 14d')
    .argument('<schedule>')
    .option('--next <duration>', 'how far ahead', '14d')
    .option('--from <time>', 'from this time (default now)')
    .action(async (schedule: string, opts: CommonOptions & { next: string; from?: string }) => {
      durationFlag('--next', opts.next);
      const r = await getJson<{ shifts: Array<{ start: number; end: number; onCall: Person[] }> }>(
        opts,
        `api/v1/oncall/schedules/${encodeURIComponent(schedule)}/shifts`,
        { next: opts.next, from: timeFlag('--from', opts.from) },
      );
      if (opts.output === 'json') return printJson(r);
      process.stdout.write(
        `${table(
          ['START', 'END', 'ON CALL'],
          r.shifts.map((s) => [clock(s.start), clock(s.end), names(s.onCall)]),
        )}\n`,
      );
    });
}

function checkCommand(): Command {
  return withCommonOptions(new Command('check'))
    .description(
      'warnings: schedule gaps, people on call nobody can reach, policies that reach nobody (exit 1 when there are any)',
    )
    .action(async (opts: CommonOptions) => {
      const r = await getJson<{ warnings: Array<{ kind: string; subject: string; message: string }> }>(
        opts,
        'api/v1/oncall/check',
      );
      if (opts.output === 'json') printJson(r);
      else if (r.warnings.length === 0)
        process.stdout.write('no warnings: every schedule is covered and every policy reaches someone\n');
      else
        process.stdout.write(
          `${table(
            ['KIND', 'SUBJECT', 'WARNING'],
            r.warnings.map((w) => [pc.yellow(w.kind), w.subject, w.message]),
          )}\n`,
        );
      if (r.warnings.length > 0)
        throw new CliError(`${r.warnings.length} on-call warning${r.warnings.length > 1 ? 's' : ''}`, 1);
    });
}

function feedsCommand(): Command {
  return withCommonOptions(new Command('feeds'))
    .description('calendar (iCal) links of every schedule and person, for calendar apps to subscribe to')
    .action(async (opts: CommonOptions) => {
      const [s, u] = await Promise.all([
        getJson<{ schedules: WhoView[] }>(opts, 'api/v1/oncall'),
        getJson<{ users: Array<{ id: string; name: string; calendarUrl: string }> }>(opts, 'api/v1/oncall/users'),
      ]);
      const rows = [
        ...s.schedules.map((x) => ['schedule', x.schedule, x.calendarUrl]),
        ...u.users.map((x) => ['user', x.id, x.calendarUrl]),
      ];
      if (opts.output === 'json') return printJson({ feeds: rows.map(([kind, id, url]) => ({ kind, id, url })) });
      process.stdout.write(`${table(['KIND', 'ID', 'CALENDAR URL'], rows)}\n`);
    });
}

export function oncallCommand(): Command {
  // Positional options: `--api` after a subcommand belongs to the subcommand, not to `oncall`.
  return whoCommand(new Command('oncall').enablePositionalOptions())
    .description('who is on call (now, or --at a time), until when, and who is next')
    .addCommand(shiftsCommand().exitOverride())
    .addCommand(overrideCommand().exitOverride())
    .addCommand(checkCommand().exitOverride())
    .addCommand(feedsCommand().exitOverride());
}

export function pageCommand(): Command {
  const test = withCommonOptions(new Command('test'))
    .description(
      'send a real test page: micro page test alice, or micro page test schedule:primary (whoever is on call)',
    )
    .argument('<target>', 'a user id, user:<id> or schedule:<id>')
    .action(async (target: string, opts: CommonOptions) => {
      const r = await postJson<{
        results: Array<{ recipient: string; contact: string; channel: string; status: string; error: string }>;
      }>(opts, 'api/v1/oncall/test-page', { target, by: currentUser() });
      if (opts.output === 'json') printJson(r);
      else if (r.results.length === 0)
        process.stdout.write('nobody to page: nobody is on call, or they have no contact methods\n');
      else
        process.stdout.write(
          `${table(
            ['RECIPIENT', 'CONTACT', 'CHANNEL', 'STATUS', 'ERROR'],
            r.results.map((x) => [
              x.recipient,
              x.contact,
              x.channel,
              x.status === 'sent' ? pc.green('sent') : pc.red(x.status),
              x.error || '-',
            ]),
          )}\n`,
        );
      const failed = r.results.filter((x) => x.status !== 'sent').length;
      if (r.results.length === 0 || failed > 0)
        throw new CliError(
          r.results.length === 0
            ? 'the test page reached nobody'
            : `${failed} of ${r.results.length} test pages failed`,
          1,
        );
    });
  const log = withCommonOptions(new Command('log'))
    .description('every notification attempt of an alert, newest first: micro page log checkout-http')
    .argument('<alert>', 'the alert (check:name, rule:name, or the name)')
    .action(async (alert: string, opts: CommonOptions) => {
      const key = alert.includes(':') ? alert : `check:${alert}`;
      const r = await getJson<{
        notifications: Array<{
          at: number;
          kind: string;
          recipient: string;
          contact: string;
          channel: string;
          step: number;
          pass: number;
          status: string;
          attempt: number;
          error: string;
        }>;
      }>(opts, `api/v1/alerts/${encodeURIComponent(key)}/notifications`);
      if (opts.output === 'json') return printJson(r);
      if (r.notifications.length === 0) return void process.stdout.write(`no notifications recorded for ${key}\n`);
      process.stdout.write(
        `${table(
          ['TIME', 'KIND', 'TO', 'VIA', 'STEP', 'STATUS', 'ATTEMPT', 'ERROR'],
          r.notifications.map((n) => [
            clock(n.at),
            n.kind,
            n.recipient,
            `${n.contact} (${n.channel})`,
            `${n.step + 1}${n.pass ? `/r${n.pass}` : ''}`,
            n.status === 'sent' ? pc.green(n.status) : n.status === 'failed' ? pc.red(n.status) : n.status,
            String(n.attempt),
            n.error || '-',
          ]),
        )}\n`,
      );
    });
  return new Command('page')
    .description('paging: test pages, and what was sent')
    .addCommand(test.exitOverride())
    .addCommand(log.exitOverride());
}
