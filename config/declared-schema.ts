// Everything a team declares (micro.yaml, `micro apply`, the API): checks, rules, maintenance
// windows, silences, people, schedules, escalation policies, routes and webhook channels. One
// schema, used by the config file and the API alike.
import { z } from 'zod';
import { checksSchema, declaredSilencesSchema, maintenanceListSchema, rulesSchema } from './alerting-schema.js';
import { scrapeJobSchema } from './scrape-schema.js';
import { namespaceName } from './fields.js';
import {
  notificationsSchema,
  oncallReferenceIssues,
  policySchema,
  routeSchema,
  scheduleSchema,
  userSchema,
  webhookSchema,
} from './oncall-schema.js';

export const declaredShape = {
  checks: checksSchema.default([]),
  rules: rulesSchema.default([]),
  maintenance: maintenanceListSchema.default([]),
  silences: declaredSilencesSchema.default([]),
  users: z.array(userSchema).default([]),
  schedules: z.array(scheduleSchema).default([]),
  policies: z.array(policySchema).default([]),
  routes: z.array(routeSchema).default([]),
  webhooks: z.array(webhookSchema).default([]),
  /** Services of this namespace that another namespace may read (traces, logs, stats). */
  exposures: z
    .array(
      z
        .object({
          namespace: namespaceName,
          services: z.array(z.string().min(1)).min(1, 'name the services to expose'),
        })
        .strict(),
    )
    .default([]),
  /** Prometheus /metrics endpoints this namespace scrapes. */
  scrape: z.array(scrapeJobSchema).default([]),
  /** How this namespace's pages are sent (SMTP); the server's own settings when absent. */
  notifications: notificationsSchema.optional(),
};

export const declaredSchema = z.object(declaredShape).strict();
export type Declared = z.output<typeof declaredSchema>;

export const EMPTY_DECLARED: Declared = {
  checks: [],
  rules: [],
  maintenance: [],
  silences: [],
  users: [],
  schedules: [],
  policies: [],
  routes: [],
  webhooks: [],
  exposures: [],
  scrape: [],
};

/**
 * How each section is stored: its kind, and the field that names an object (unique within the
 * section). Silences declared in a file are `declared-silence` (those added one by one are
 * `silence`); routes are ordered, so they are one object, not a section of named ones.
 */
export const DECLARED_SECTIONS = [
  { section: 'checks', kind: 'check', key: 'name', what: 'check' },
  { section: 'rules', kind: 'rule', key: 'name', what: 'rule' },
  { section: 'maintenance', kind: 'maintenance', key: 'name', what: 'maintenance window' },
  { section: 'silences', kind: 'declared-silence', key: 'name', what: 'silence' },
  { section: 'users', kind: 'user', key: 'id', what: 'user' },
  { section: 'schedules', kind: 'schedule', key: 'id', what: 'schedule' },
  { section: 'policies', kind: 'policy', key: 'id', what: 'policy' },
  { section: 'webhooks', kind: 'webhook', key: 'id', what: 'webhook' },
  { section: 'exposures', kind: 'exposure', key: 'namespace', what: 'exposure' },
  { section: 'scrape', kind: 'scrape', key: 'job', what: 'scrape job' },
] as const;

/**
 * Duplicate names in raw input. Zod runs an array's refinements only once every element is
 * valid; this runs regardless, so a file's problems are all reported at once.
 */
function duplicateNameIssues(raw: unknown): Array<{ path: Array<string | number>; message: string }> {
  const out: Array<{ path: Array<string | number>; message: string }> = [];
  if (!raw || typeof raw !== 'object') return out;
  for (const { section, key, what } of DECLARED_SECTIONS) {
    const items = (raw as Record<string, unknown>)[section];
    if (!Array.isArray(items)) continue;
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const n = (item as Record<string, unknown> | null)?.[key];
      if (typeof n !== 'string') return;
      if (seen.has(n))
        out.push({
          path: [section, i, key],
          message: `another ${what} (#${seen.get(n)! + 1}) is already named "${n}"`,
        });
      else seen.set(n, i);
    });
  }
  return out;
}

/**
 * Problems zod's own pass cannot see: duplicate names (reported even when other elements are
 * invalid) and, once everything parses, references to people, schedules, policies and webhooks
 * that are not declared.
 */
export function declaredCrossIssues(
  raw: unknown,
  parsed: Declared | null,
): Array<{ path: Array<string | number>; message: string }> {
  return [...duplicateNameIssues(raw), ...(parsed ? oncallReferenceIssues(parsed) : [])];
}

/** The declared sections of anything shaped like micro.yaml (missing sections are empty). */
export function declaredPart(file: Partial<Declared>): Declared {
  const part = Object.fromEntries(
    Object.keys(EMPTY_DECLARED).map((k) => [k, file[k as keyof Declared] ?? []]),
  ) as Declared;
  return file.notifications ? { ...part, notifications: file.notifications } : part;
}
