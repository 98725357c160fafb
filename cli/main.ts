#!/usr/bin/env node
// `micro`: the command people use. Each command exits 0 on success and non-zero with one
// clear sentence on failure.
import { Command } from 'commander';
import { explainStartError, serverCommand } from './server-command.js';

const program = new Command('micro')
  .description('micro-observe: telemetry, healthchecks, alerting and on-call for the Micro platform')
  .version('0.1.0')
  .showHelpAfterError();

program.addCommand(serverCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`micro: ${explainStartError(err)}\n`);
  process.exit(2);
});
