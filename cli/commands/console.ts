// `micro console`: a fresh one-time sign-in link to the web console, for the CLI's own token.
import { Command } from 'commander';
import { postJson, withCommonOptions, type CommonOptions } from '../api-client.js';
import { printJson } from '../output.js';

export function consoleCommand(): Command {
  return withCommonOptions(new Command('console'))
    .description('print a one-time link that signs this browser in to the web console (valid 15 minutes)')
    .action(async (opts: CommonOptions) => {
      const link = await postJson<{ path: string; expiresAt: number }>(opts, 'api/v1/console/links', {});
      const url = new URL(link.path, opts.api.endsWith('/') ? opts.api : `${opts.api}/`).toString();
      if (opts.output === 'json') return printJson({ url, expiresAt: link.expiresAt });
      process.stdout.write(
        `Open this link to sign in to the console (once, within 15 minutes):\n\n  ${url}\n\n` +
          'It signs in with the same token as this CLI: its namespace and scope.\n',
      );
    });
}
