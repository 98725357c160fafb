// Checks and rules as declared in micro.yaml (and, later, through the API): one schema for
// both. Conditions are declared, never SQL from users.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { httpUrl, objectName, timeOfDay, timeZone } from './fields.js';
import { durationMs } from './units.js';

const labels = z
  .record(
    z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.]*$/, 'label names are letters, digits, dots and underscores'),
    z.string(),
  )
  .default({});
const status = z.number().int().min(100).max(599);
const sendable = (validate: (v: string) => void) => (v: string) => {
  try {
    validate(v);
    return true;
  } catch {
    return false;
  }
};

const httpSpec = z
  .object({
    url: httpUrl,
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    // What node's HTTP module would refuse to send, refused here (the check sends what it declares).
    headers: z
      .record(
        z.string().refine(sendable(validateHeaderName), "header names are letters, digits and !#$%&'*+-.^_`|~"),
        z.string().refine(
          sendable((v) => validateHeaderValue('value', v)),
          'a header value may not hold a line break or other control character',
        ),
      )
      .optional(),
    body: z.string().optional(),
    expectStatus: z.union([status, z.array(status).min(1)]).optional(),
    bodyContains: z.string().optional(),
    bodyRegex: z
      .string()
      .refine((v) => {
        try {
          new RegExp(v);
          return true;
        } catch {
          return false;
        }
      }, 'is not a valid regular expression')
      .optional(),
    jsonPath: z
      .object({ path: z.string().startsWith('$'), equals: z.union([z.string(), z.number(), z.boolean()]).optional() })
      .strict()
      .optional(),
    maxResponseTime: durationMs(1).optional(),
    timeout: durationMs(1).optional(),
    certExpiry: durationMs(0).optional(),
    insecure: z.boolean().default(false),
  })
  .strict();

const tcpSpec = z
  .object({ host: z.string().min(1), port: z.number().int().min(1).max(65535), timeout: durationMs(1).optional() })
  .strict();
const grpcSpec = z
  .object({
    address: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port'),
    service: z.string().default(''),
    tls: z.boolean().default(false),
    timeout: durationMs(1).optional(),
  })
  .strict();
const heartbeatSpec = z
  .object({
    period: durationMs(1000).optional(),
    grace: durationMs(0).prefault('1h'),
    cron: z
      .string()
      .refine((v) => {
        try {
          CronExpressionParser.parse(v);
          return true;
        } catch {
          return false;
        }
      }, 'is not a cron expression (five fields: minute hour day month weekday)')
      .optional(),
    timezone: timeZone.optional(),
  })
  .strict()
  .refine((h) => (h.period === undefined) !== (h.cron === undefined), {
    message: 'give either a period or a cron expression',
    path: ['period'],
  });

const KINDS = ['http', 'tcp', 'grpc', 'heartbeat'] as const;

export const checkSchema = z
  .object({
    name: objectName,
    service: z.string().optional(),
    interval: durationMs(1000).prefault('30s'),
    retryInterval: durationMs(100).optional(),
    timeout: durationMs(1).prefault('10s'),
    failureThreshold: z.number().int().min(1).max(100).default(1),
    successThreshold: z.number().int().min(1).max(100).default(1),
    for: durationMs(0).optional(),
    labels,
    http: httpSpec.optional(),
    tcp: tcpSpec.optional(),
    grpc: grpcSpec.optional(),
    heartbeat: heartbeatSpec.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const given = KINDS.filter((k) => c[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `give exactly one of ${KINDS.join(', ')} (found ${given.length ? given.join(', ') : 'none'})`,
      });
  });

const window = durationMs(10_000).prefault('5m');
export const ruleSchema = z
  .object({
    name: objectName,
    service: z.string().min(1),
    operation: z.string().optional(),
    interval: durationMs(1000).prefault('30s'),
    for: durationMs(0).optional(),
    labels,
    errorRate: z
      .object({ above: z.number().min(0).max(1), window })
      .strict()
      .optional(),
    latency: z
      .object({ percentile: z.number().gt(0).lt(1).default(0.99), above: durationMs(0), window })
      .strict()
      .optional(),
    runtime: z
      .object({ stat: z.enum(['memory', 'cpu', 'threads']), above: z.number().min(0), window })
      .strict()
      .optional(),
    logs: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
        text: z.string().optional(),
        above: z.number().int().min(0),
        window,
      })
      .strict()
      .optional(),
    absence: z.object({ window }).strict().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const conditions = (['errorRate', 'latency', 'runtime', 'logs', 'absence'] as const).filter(
      (k) => r[k] !== undefined,
    );
    if (conditions.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `give exactly one condition of errorRate, latency, runtime, logs, absence (found ${conditions.length})`,
      });
  });

export const checksSchema = z.array(checkSchema);
export const rulesSchema = z.array(ruleSchema);

export type CheckConfig = z.output<typeof checkSchema>;
export type RuleConfig = z.output<typeof ruleSchema>;

const matcherText = z
  .string()
  .regex(
    /^\s*[a-zA-Z_][a-zA-Z0-9_.]*\s*(=~|!~|!=|=)/,
    'must be a matcher like service=checkout, severity!=info or service=~check.*',
  );

export const maintenanceSchema = z
  .object({
    name: objectName,
    matchers: z.array(matcherText).default([]),
    startsAt: z.string().datetime({ offset: true }).optional(),
    endsAt: z.string().datetime({ offset: true }).optional(),
    weekly: z
      .object({
        days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
        start: timeOfDay,
        end: timeOfDay,
        timezone: timeZone,
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const oneOff = m.startsAt !== undefined || m.endsAt !== undefined;
    if (oneOff === (m.weekly !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give either startsAt and endsAt (one-off) or weekly (recurring)',
      });
    if (oneOff && (m.startsAt === undefined || m.endsAt === undefined))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'a one-off window needs both startsAt and endsAt' });
    if (m.startsAt && m.endsAt && Date.parse(m.endsAt) <= Date.parse(m.startsAt))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  });

export const maintenanceListSchema = z.array(maintenanceSchema);

/** A silence as created through the API or `micro silence add`. */
export const silenceInputSchema = z
  .object({
    matchers: z.array(matcherText).min(1, 'a silence needs at least one matcher'),
    startsAt: z.string().datetime({ offset: true }).optional(),
    endsAt: z.string().datetime({ offset: true }).optional(),
    duration: durationMs(60_000).optional(),
    author: z.string().min(1).max(200),
    comment: z.string().min(1, 'say why').max(2000),
  })
  .strict()
  .refine((s) => (s.endsAt === undefined) !== (s.duration === undefined), {
    message: 'give either endsAt or duration',
    path: ['duration'],
  });

export type MaintenanceConfig = z.output<typeof maintenanceSchema>;
export type SilenceInput = z.output<typeof silenceInputSchema>;

/** A silence declared in micro.yaml (named, so an apply can change or remove it). */
export const declaredSilenceSchema = z
  .object({
    name: objectName,
    matchers: z.array(matcherText).min(1, 'a silence needs at least one matcher'),
    startsAt: z.string().datetime({ offset: true }),
    endsAt: z.string().datetime({ offset: true }),
    author: z.string().min(1).max(200).default('micro.yaml'),
    comment: z.string().min(1, 'say why').max(2000),
  })
  .strict()
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), {
    message: 'must be after startsAt',
    path: ['endsAt'],
  });

export const declaredSilencesSchema = z.array(declaredSilenceSchema);
export type DeclaredSilence = z.output<typeof declaredSilenceSchema>;
