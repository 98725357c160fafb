#!/usr/bin/env node
// `micro`: the command people use. Each command exits 0 on success and non-zero with one
// clear sentence on failure (2 for a mistake in the command line).
import { Command, CommanderError } from 'commander';
import { CliError } from './api-client.js';
import { ackCommand, alertsCommand, checkCommand, healthCommand, resolveCommand } from './commands/alerting.js';
import { applyCommand } from './commands/apply.js';
import { oncallCommand, pageCommand } from './commands/oncall.js';
import { tokenCommand } from './commands/token.js';
import { consoleCommand } from './commands/console.js';
import { silenceCommand } from './commands/silence.js';
import { logsCommand } from './commands/logs.js';
import { depsCommand, servicesCommand } from './commands/services.js';
import { statsCommand } from './commands/stats.js';
import { traceCommand } from './commands/trace.js';
import { explainStartError, serverCommand } from './server-command.js';

const program = new Command('micro')
  .description('micro-observe: telemetry, healthchecks, alerting and on-call for the Micro platform')
  .version('0.1.0')
  .showHelpAfterError()
  // Options after a subcommand are the subcommand's (`micro oncall shifts x --api ...`).
  .enablePositionalOptions()
  .exitOverride();

for (const cmd of [
  serverCommand(),
  statsCommand(),
  traceCommand(),
  logsCommand(),
  servicesCommand(),
  depsCommand(),
  healthCommand(),
  alertsCommand(),
  ackCommand(),
  resolveCommand(),
  checkCommand(),
  applyCommand(),
  silenceCommand(),
  oncallCommand(),
  pageCommand(),
  tokenCommand(),
  consoleCommand(),
]) {
  program.addCommand(cmd.exitOverride());
}

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof CliError) {
      process.stderr.write(`micro: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`micro: ${explainStartError(err)}\n`);
    process.exit(2);
  },
);
