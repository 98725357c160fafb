// What the declarations must be before they are stored: every contact address checked by its
// channel, and every secret (the SMTP password, the Slack bot token and signing secret, scrape tokens)
// sealed under the signing key, never kept in plain text.
import { ConfigError, contactChannel, type Declared } from '../config/index.js';
import { CHANNEL_PLUGINS, channelPlugin } from './channels/index.js';
import { openSecret, sealSecret } from './signed-links.js';

function contactProblems(d: Declared): string[] {
  // What a config file declares arrives as written (defaults not yet filled in).
  return (d.users ?? []).flatMap((u, ui) =>
    (u.contacts ?? []).flatMap((c, ci) => {
      const [kind, address] = contactChannel(c);
      const plugin = channelPlugin(kind);
      if (!plugin)
        return [
          `users.${ui}.contacts.${ci}: "${kind}" is not a channel (${CHANNEL_PLUGINS.map((p) => p.kind).join(', ')})`,
        ];
      const problem = plugin.validate(address);
      return problem ? [`users.${ui}.contacts.${ci}.${kind}: ${problem}`] : [];
    }),
  );
}

function checkSealed(key: Buffer, field: string, sealed: string | undefined): void {
  if (sealed !== undefined && openSecret(key, sealed) === null) {
    throw new ConfigError([`${field}: was sealed by another server (another signing key); give the secret again`]);
  }
}

/** The declarations as they may be stored; throws ConfigError naming the field when they cannot be. */
export function prepareDeclared(declared: Declared, key: Buffer): Declared {
  let d = declared;
  const problems = contactProblems(d);
  if (problems.length > 0) throw new ConfigError(problems);
  const scrape = (d.scrape ?? []).map((job, i) => {
    checkSealed(key, `scrape.${i}.bearerTokenSealed`, job.bearerTokenSealed);
    if (job.bearerToken === undefined) return job;
    const { bearerToken, ...rest } = job;
    return { ...rest, bearerTokenSealed: sealSecret(key, bearerToken) };
  });
  d = d.scrape ? { ...d, scrape } : d;
  const n = d.notifications;
  if (!n) return d;
  let smtp = n.smtp;
  if (smtp?.auth) {
    const { pass, ...auth } = smtp.auth;
    checkSealed(key, 'notifications.smtp.auth.passSealed', auth.passSealed);
    if (pass === undefined && auth.passwordFile === undefined && auth.passSealed === undefined) {
      throw new ConfigError([
        'notifications.smtp.auth: give the password (MICRO_SMTP_PASSWORD where micro apply runs) or auth.passwordFile',
      ]);
    }
    smtp = { ...smtp, auth: pass === undefined ? auth : { ...auth, passSealed: sealSecret(key, pass) } };
  }
  let slack = n.slack;
  if (slack) {
    const { botToken, signingSecret, ...rest } = slack;
    checkSealed(key, 'notifications.slack.botTokenSealed', rest.botTokenSealed);
    checkSealed(key, 'notifications.slack.signingSecretSealed', rest.signingSecretSealed);
    slack = {
      ...rest,
      ...(botToken !== undefined ? { botTokenSealed: sealSecret(key, botToken) } : {}),
      ...(signingSecret !== undefined ? { signingSecretSealed: sealSecret(key, signingSecret) } : {}),
    };
  }
  return { ...d, notifications: { ...n, smtp, slack } };
}
