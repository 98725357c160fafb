// `micro apply -f micro.yaml`: declare checks, rules, people, schedules, policies...; idempotent; prints what it created,
// changed and removed. The file is validated here first, so errors carry their line.
import { Command } from 'commander';
import { ConfigError, declaredPart, loadConfigFile } from '../../config/index.js';
import { CliError, apiRequest, apiUrl, currentUser, withCommonOptions, type CommonOptions } from '../api-client.js';
import { pc, printJson } from '../output.js';

interface Plan {
  created: Array<{ kind: string; name: string }>;
  changed: Array<{ kind: string; name: string }>;
  removed: Array<{ kind: string; name: string }>;
  unchanged: number;
}

export function applyCommand(): Command {
  return withCommonOptions(new Command('apply'))
    .description(
      'declare checks and rules from a file: creates, changes and (unless --no-prune) removes, all or nothing',
    )
    .requiredOption('-f, --file <file>', 'micro.yaml')
    .option('--dry-run', 'show what would change, change nothing')
    .option('--no-prune', 'keep checks and rules that the file does not declare')
    .action(async (opts: CommonOptions & { file: string; dryRun?: boolean; prune: boolean }) => {
      let file: ReturnType<typeof loadConfigFile>;
      try {
        file = loadConfigFile(opts.file);
      } catch (err) {
        if (err instanceof ConfigError)
          throw new CliError(`${opts.file} is not valid; nothing was applied:\n  ${err.problems.join('\n  ')}`, 2);
        throw err;
      }
      // The SMTP password comes from MICRO_SMTP_PASSWORD here (or a passwordFile the server reads);
      // the server stores it sealed, never in plain text.
      const auth = file.notifications?.smtp?.auth;
      if (auth && !auth.pass && !auth.passwordFile && !auth.passSealed) {
        const pass = process.env.MICRO_SMTP_PASSWORD;
        if (!pass)
          throw new CliError(
            `${opts.file}: notifications.smtp.auth: give the password in MICRO_SMTP_PASSWORD or auth.passwordFile; nothing was applied`,
            2,
          );
        auth.pass = pass;
      }
      // The file holds durations already turned into milliseconds: the same schema reads them back.
      const url = apiUrl(opts.api, 'api/v1/config/apply', {
        dryRun: opts.dryRun,
        prune: opts.prune ? undefined : 'false',
        author: currentUser(),
      });
      const res = await apiRequest(url, opts, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(declaredPart(file)),
      });
      const plan = (await res.json()) as Plan;
      if (opts.output === 'json') return printJson(plan);
      const verb = opts.dryRun
        ? { created: 'would create', changed: 'would change', removed: 'would remove' }
        : { created: 'created', changed: 'changed', removed: 'removed' };
      for (const c of plan.created) process.stdout.write(`${pc.green(verb.created)} ${c.kind} ${c.name}\n`);
      for (const c of plan.changed) process.stdout.write(`${pc.yellow(verb.changed)} ${c.kind} ${c.name}\n`);
      for (const c of plan.removed) process.stdout.write(`${pc.red(verb.removed)} ${c.kind} ${c.name}\n`);
      process.stdout.write(
        `${plan.created.length} created, ${plan.changed.length} changed, ${plan.removed.length} removed, ${plan.unchanged} unchanged${opts.dryRun ? ' (dry run: nothing applied)' : ''}\n`,
      );
    });
}
