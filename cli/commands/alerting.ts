// `micro health`, `micro alerts`, `micro ack`, `micro resolve`, `micro check test`.
import { Command, Option } from 'commander';
import { CliError, currentUser, getJson, postJson, withCommonOptions, type CommonOptions } from '../api-client.js';
import { ago, millis, pc, printJson, table } from '../output.js';

interface CheckRow {
  name: string;
  service: string | null;
  kind: string;
  phase: string;
  acknowledged: boolean;
  since: number;
  lastResult: { ok: boolean; message: string; latencyMs: number; at: number } | null;
}

interface AlertRow {
  key: string;
  name: string;
  state: string;
  labels: Record<string, string>;
  since: number;
  acknowledged: { by: string; at: number } | null;
  message: string;
}

const colorState = (s: string): string =>
  s === 'firing' ? pc.red(s) : s === 'pending' || s === 'acked' ? pc.yellow(s) : pc.green(s);
// `micro alerts` shows what needs or needed attention; quiet checks are in `micro health`.

export function healthCommand(): Command {
  return withCommonOptions(new Command('health'))
    .description('checks: state, last result, latency and since when')
    .argument('[service]', 'only the checks of this service')
    .action(async (service: string | undefined, opts: CommonOptions) => {
      const { checks } = await getJson<{ checks: CheckRow[] }>(opts, 'api/v1/checks');
      const shown = service ? checks.filter((c) => c.service === service) : checks;
      if (opts.output === 'json') return printJson({ checks: shown });
      if (shown.length === 0)
        process.stderr.write(
          service ? `no checks for service "${service}"\n` : 'no checks are defined (declare them in micro.yaml)\n',
        );
      process.stdout.write(
        `${table(
          ['CHECK', 'SERVICE', 'KIND', 'STATE', 'SINCE', 'LAST RESULT', 'LATENCY'],
          shown.map((c) => [
            c.name,
            c.service ?? '-',
            c.kind,
            colorState(c.phase === 'firing' && c.acknowledged ? 'acked' : c.phase),
            ago(c.since),
            c.lastResult ? `${c.lastResult.ok ? 'ok' : pc.red('failed')}: ${c.lastResult.message}` : 'not run yet',
            c.lastResult ? millis(c.lastResult.latencyMs) : '-',
          ]),
          [6],
        )}\n`,
      );
    });
}

export function alertsCommand(): Command {
  return withCommonOptions(new Command('alerts'))
    .description('alerts, newest change first')
    .addOption(
      new Option('--state <state>', 'only alerts in this state (default: all but ok)').choices([
        'firing',
        'acked',
        'pending',
        'resolved',
        'ok',
        'all',
      ]),
    )
    .action(async (opts: CommonOptions & { state?: string }) => {
      const { alerts } = await getJson<{ alerts: AlertRow[] }>(opts, 'api/v1/alerts', { state: opts.state });
      if (opts.output === 'json') return printJson({ alerts });
      process.stdout.write(
        `${table(
          ['ALERT', 'STATE', 'SINCE', 'LABELS', 'ACKNOWLEDGED', 'MESSAGE'],
          alerts.map((a) => [
            a.name,
            colorState(a.state),
            ago(a.since),
            Object.entries(a.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
            a.acknowledged ? `${a.acknowledged.by} ${ago(a.acknowledged.at)}` : '-',
            a.message,
          ]),
        )}\n`,
      );
    });
}

function actionCommand(verb: 'ack' | 'resolve', description: string): Command {
  return withCommonOptions(new Command(verb))
    .description(description)
    .argument('<alert>', 'the alert (its check or rule name)')
    .option('--by <name>', 'who (default MICRO_USER or the login name)')
    .action(async (alert: string, opts: CommonOptions & { by?: string }) => {
      const a = await postJson<AlertRow>(opts, `api/v1/alerts/${encodeURIComponent(alert)}/${verb}`, {
        by: opts.by ?? currentUser(),
      });
      if (opts.output === 'json') return printJson(a);
      process.stdout.write(`${a.name}: ${a.state}${a.acknowledged ? ` (acknowledged by ${a.acknowledged.by})` : ''}\n`);
    });
}

export const ackCommand = (): Command =>
  actionCommand('ack', 'acknowledge a firing alert: escalation stops, the alert stays until resolved');
export const resolveCommand = (): Command => actionCommand('resolve', 'resolve an alert by hand');

export function checkCommand(): Command {
  const test = withCommonOptions(new Command('test'))
    .description('run one check once and print its result, without alerting')
    .argument('<name>', 'the check')
    .action(async (name: string, opts: CommonOptions) => {
      const r = await postJson<{ name: string; result: { ok: boolean; message: string; latencyMs: number } }>(
        opts,
        `api/v1/checks/${encodeURIComponent(name)}/test`,
      );
      if (opts.output === 'json') printJson(r);
      else
        process.stdout.write(
          `${name}: ${r.result.ok ? pc.green('ok') : pc.red('failed')}: ${r.result.message} (${millis(r.result.latencyMs)})\n`,
        );
      if (!r.result.ok) throw new CliError(`check ${name} failed`, 1);
    });
  return new Command('check').description('work with checks').addCommand(test.exitOverride());
}
