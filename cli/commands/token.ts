// `micro token create|list|revoke`: tokens per namespace and scope; the secret is shown once.
import { Command, Option } from 'commander';
import { deleteJson, currentUser, getJson, postJson, withCommonOptions, type CommonOptions } from '../api-client.js';
import { ago, clock, durationFlag, pc, printJson, table } from '../output.js';

interface TokenRow {
  id: string;
  namespace: string;
  name: string;
  scope: string;
  state: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
  secret?: string;
}

export function tokenCommand(): Command {
  const create = withCommonOptions(new Command('create'))
    .description('create a token: micro token create --namespace team-a --scope ingest --expires 90d')
    .addOption(
      new Option(
        '--scope <scope>',
        'ingest: send telemetry and heartbeats; read; write: read and change; admin: everything, tokens too',
      )
        .choices(['ingest', 'read', 'write', 'admin'])
        .makeOptionMandatory(),
    )
    .option('--expires <duration>', 'expire after this long (such as 90d), or never', 'never')
    .option('--name <text>', 'what it is for')
    .action(async (opts: CommonOptions & { namespace?: string; scope: string; expires: string; name?: string }) => {
      if (opts.expires !== 'never') durationFlag('--expires', opts.expires);
      // --namespace names the token's namespace here (the caller's own by default).
      const t = await postJson<TokenRow>({ ...opts, namespace: undefined }, 'api/v1/tokens', {
        namespace: opts.namespace,
        scope: opts.scope,
        expires: opts.expires,
        name: opts.name ?? `${opts.scope} token by ${currentUser()}`,
      });
      if (opts.output === 'json') return printJson(t);
      process.stdout.write(`${t.secret}\n`);
      process.stderr.write(
        `${pc.yellow('token')} ${t.id}: ${t.scope} in ${t.namespace}${t.expiresAt ? `, expires ${clock(t.expiresAt)}` : ''}. The secret above is shown this once; keep it.\n`,
      );
    });
  const list = withCommonOptions(new Command('list'))
    .description('tokens (never their secrets), with when each was last used')
    .option('--all', 'include revoked and expired tokens')
    .action(async (opts: CommonOptions & { all?: boolean }) => {
      const r = await getJson<{ tokens: TokenRow[] }>(opts, 'api/v1/tokens');
      const shown = opts.all ? r.tokens : r.tokens.filter((t) => t.state === 'active');
      if (opts.output === 'json') return printJson({ tokens: shown });
      process.stdout.write(
        `${table(
          ['ID', 'NAMESPACE', 'SCOPE', 'STATE', 'NAME', 'CREATED', 'EXPIRES', 'LAST USED'],
          shown.map((t) => [
            t.id,
            t.namespace,
            t.scope,
            t.state,
            t.name,
            clock(t.createdAt),
            t.expiresAt ? clock(t.expiresAt) : 'never',
            t.lastUsedAt ? ago(t.lastUsedAt) : 'never',
          ]),
        )}\n`,
      );
    });
  const revoke = withCommonOptions(new Command('revoke'))
    .description('revoke a token, at once')
    .argument('<id>')
    .action(async (id: string, opts: CommonOptions) => {
      const t = await deleteJson<TokenRow>(opts, `api/v1/tokens/${encodeURIComponent(id)}`);
      if (opts.output === 'json') return printJson(t);
      process.stdout.write(`token ${t.id} revoked\n`);
    });
  return new Command('token')
    .description('access tokens per namespace and scope')
    .addCommand(create.exitOverride())
    .addCommand(list.exitOverride())
    .addCommand(revoke.exitOverride());
}
