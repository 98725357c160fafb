// People, schedules, escalation policies, routes and webhook channels as declared in micro.yaml
// and through the API (one schema for both), and the server's notification settings (SMTP).
import { z } from 'zod';
import { emailAddress, httpUrl, objectName, timeOfDay, timeZone } from './fields.js';
import { durationMs } from './units.js';

const id = objectName;
const email = emailAddress;
const instant = z.string().datetime({ offset: true });
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * A way to reach a person: `{ name, <channel>: <address> }` with one channel (email, webhook, log,
 * whatever on call's channel registry has); that channel checks the address when it is applied.
 */
const contactSchema = z
  .object({ name: id })
  .catchall(z.string().min(1))
  .superRefine((c, ctx) => {
    const channels = Object.keys(c).filter((k) => k !== 'name');
    if (channels.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `give one channel and its address, like { name: phone, webhook: https://... } (got ${channels.join(', ') || 'none'})`,
      });
    }
  });

/** A contact method's channel and address. */
export function contactChannel(c: z.output<typeof contactSchema>): [channel: string, address: string] {
  const channel = Object.keys(c).find((k) => k !== 'name')!;
  return [channel, c[channel]!];
}

export const userSchema = z
  .object({
    id,
    name: z.string().min(1).max(200).optional(),
    /** The first contact method, named `email`. */
    email: email.optional(),
    timezone: timeZone.default('UTC'),
    contacts: z.array(contactSchema).default([]),
    /** When each contact method is used after a step reaches this person (default: every one at once). */
    notificationRules: z.array(z.object({ contact: id, after: durationMs(0).prefault('0m') }).strict()).optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    const names = [...(u.email ? ['email'] : []), ...u.contacts.map((c) => c.name)];
    u.contacts.forEach((c, i) => {
      if (names.indexOf(c.name) !== (u.email ? i + 1 : i))
        ctx.addIssue({
          code: 'custom',
          path: ['contacts', i, 'name'],
          message: `another contact method is already named "${c.name}"`,
        });
    });
    u.notificationRules?.forEach((r, i) => {
      if (!names.includes(r.contact))
        ctx.addIssue({
          code: 'custom',
          path: ['notificationRules', i, 'contact'],
          message: `"${r.contact}" is not one of this person's contact methods (${names.join(', ') || 'none'})`,
        });
    });
  });

const overrideSchema = z
  .object({
    /** replace: `user` is replaced by `with`; add: `with` joins; remove: `user` is off. */
    kind: z.enum(['replace', 'add', 'remove']).default('replace'),
    user: id.optional(),
    with: id.optional(),
    start: instant,
    end: instant,
  })
  .strict()
  .superRefine((o, ctx) => {
    if (Date.parse(o.end) <= Date.parse(o.start))
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    if (o.kind !== 'add' && !o.user)
      ctx.addIssue({ code: 'custom', path: ['user'], message: `a ${o.kind} override names the user it applies to` });
    if (o.kind !== 'remove' && !o.with)
      ctx.addIssue({ code: 'custom', path: ['with'], message: `a ${o.kind} override names who takes the shift` });
  });

const rotationSchema = z
  .object({
    name: z.string().max(200).optional(),
    participants: z.array(id).min(1, 'a rotation needs at least one participant'),
    shift: durationMs(60_000).prefault('1w'),
    /** "Mon 09:00" for weekly shifts, "09:00" for daily ones; shorter shifts start at it. */
    handoff: z
      .string()
      .regex(
        /^(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*\s+)?([01]?\d|2[0-3]):[0-5]\d$/i,
        'must be like "Mon 09:00" or "09:00"',
      )
      .optional(),
    start: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2024-01-01')
      .optional(),
    rules: z
      .array(z.object({ days: z.array(z.enum(DAYS)).min(1), start: timeOfDay, end: timeOfDay }).strict())
      .optional(),
  })
  .strict();

export const scheduleSchema = z
  .object({
    id,
    name: z.string().max(200).optional(),
    timezone: timeZone,
    rotations: z.array(rotationSchema).min(1, 'a schedule needs at least one rotation'),
    overrides: z.array(overrideSchema).default([]),
  })
  .strict();

const target = z
  .string()
  .regex(
    /^(user|schedule|webhook):[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/,
    'must be a target like user:bob, schedule:primary or webhook:ops-chat',
  );

export const policySchema = z
  .object({
    id,
    /** How many more times the whole policy runs after the first pass. */
    repeat: z.number().int().min(0).max(20).default(0),
    steps: z
      .array(
        z
          .object({ notify: z.array(target).min(1, 'a step notifies someone'), after: durationMs(0).prefault('0m') })
          .strict(),
      )
      .min(1, 'a policy needs at least one step')
      .max(20, 'a policy has at most 20 steps'),
  })
  .strict();

export const routeSchema = z
  .object({
    match: z.record(z.string(), z.string()).default({}),
    policy: id,
  })
  .strict();

export const webhookSchema = z.object({ id, url: httpUrl }).strict();

/** A one-off override added by hand (`micro oncall override`), kept apart from declared schedules. */
export const overrideInputSchema = z.object({ schedule: id }).and(overrideSchema);

export type UserConfig = z.output<typeof userSchema>;
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type PolicyConfig = z.output<typeof policySchema>;
export type RouteConfig = z.output<typeof routeSchema>;
export type WebhookConfig = z.output<typeof webhookSchema>;
export type OverrideConfig = z.output<typeof overrideSchema>;
export type OverrideInput = z.output<typeof overrideInputSchema>;

/** Cross-references: every target, participant and route names something declared. */
export function oncallReferenceIssues(c: {
  users: UserConfig[];
  schedules: ScheduleConfig[];
  policies: PolicyConfig[];
  routes: RouteConfig[];
  webhooks: WebhookConfig[];
}): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  const known = {
    user: new Set(c.users.map((u) => u.id)),
    schedule: new Set(c.schedules.map((s) => s.id)),
    webhook: new Set(c.webhooks.map((w) => w.id)),
  };
  c.schedules.forEach((s, si) => {
    s.rotations.forEach((r, ri) => {
      r.participants.forEach((p, pi) => {
        if (!known.user.has(p))
          out.push({
            path: ['schedules', si, 'rotations', ri, 'participants', pi],
            message: `no user has the id "${p}"`,
          });
      });
    });
    s.overrides.forEach((o, oi) => {
      for (const field of ['user', 'with'] as const)
        if (o[field] && !known.user.has(o[field]))
          out.push({ path: ['schedules', si, 'overrides', oi, field], message: `no user has the id "${o[field]}"` });
    });
  });
  c.policies.forEach((p, pi) => {
    p.steps.forEach((s, si) => {
      s.notify.forEach((t, ti) => {
        const [kind, ref] = t.split(':') as ['user' | 'schedule' | 'webhook', string];
        if (!known[kind].has(ref))
          out.push({ path: ['policies', pi, 'steps', si, 'notify', ti], message: `no ${kind} has the id "${ref}"` });
      });
    });
  });
  const policies = new Set(c.policies.map((p) => p.id));
  c.routes.forEach((r, i) => {
    if (!policies.has(r.policy))
      out.push({ path: ['routes', i, 'policy'], message: `no policy has the id "${r.policy}"` });
  });
  return out;
}

/** How the server sends email, and how its links are signed. Secrets here are never logged. */
export const notificationsSchema = z
  .object({
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.coerce.number().int().min(1).max(65535).default(587),
        /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
        secure: z.boolean().default(false),
        requireTLS: z.boolean().default(false),
        /** Accept a certificate no authority vouches for (a test or internal relay). */
        insecure: z.boolean().default(false),
        /**
         * The password: `pass` (from the file, or MICRO_SMTP_PASSWORD where micro runs), a
         * `passwordFile` the server reads, or `passSealed` (how an applied password is stored:
         * encrypted under the server's signing key, never in plain text).
         */
        auth: z
          .object({
            user: z.string().min(1),
            pass: z.string().min(1).optional(),
            passwordFile: z.string().min(1).optional(),
            passSealed: z.string().regex(/^v1\./, 'is written by the server, not by hand').optional(),
          })
          .strict()
          .superRefine((a, ctx) => {
            // None given: MICRO_SMTP_PASSWORD where the file is read (micro server, micro apply) supplies it.
            const given = [a.pass, a.passwordFile, a.passSealed].filter((x) => x !== undefined).length;
            if (given > 1)
              ctx.addIssue({
                code: 'custom',
                path: ['passwordFile'],
                message: 'give one of pass, passwordFile (not both)',
              });
          })
          .optional(),
        from: email,
      })
      .strict()
      .optional(),
    /**
     * A Slack app (a bot) for the `slack` channel: chat.postMessage with Acknowledge and Resolve
     * buttons, clicks verified with the signing secret. Tokens given in plain text are sealed
     * when applied; MICRO_SLACK_BOT_TOKEN and MICRO_SLACK_SIGNING_SECRET on the server work too.
     */
    slack: z
      .object({
        /** Slack's Web API base URL (Alertmanager's `api_url`): tests point it at a local server. */
        apiUrl: httpUrl.default('https://slack.com/api'),
        botToken: z.string().min(1).optional(),
        botTokenSealed: z.string().regex(/^v1\./, 'is written by the server, not by hand').optional(),
        signingSecret: z.string().min(1).optional(),
        signingSecretSealed: z.string().regex(/^v1\./, 'is written by the server, not by hand').optional(),
      })
      .strict()
      .optional(),
    /** How long a one-click acknowledge link works. */
    ackLinkTtl: durationMs(60_000).prefault('24h'),
  })
  .strict();

export type NotificationsConfig = z.output<typeof notificationsSchema>;
