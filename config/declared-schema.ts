// Everything a team declares (micro.yaml, `micro apply`, the API): checks, rules, maintenance
// windows, silences, people, schedules, escalation policies, routes and webhook channels. One
// schema, used by the config file and the API alike.
import { z } from 'zod';
import { checksSchema, declaredSilencesSchema, duplicateNameIssues, maintenanceListSchema, rulesSchema } from './alerting-schema.js';
import { oncallReferenceIssues, policySchema, routeSchema, scheduleSchema, userSchema, webhookSchema } from './oncall-schema.js';

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
  exposures: z.array(z.object({
    namespace: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a namespace: lower-case letters, digits and dashes'),
    services: z.array(z.string().min(1)).min(1, 'name the services to expose'),
  }).strict()).default([]),
};

export const declaredSchema = z.object(declaredShape).strict();
export type Declared = z.output<typeof declaredSchema>;

export const EMPTY_DECLARED: Declared = { checks: [], rules: [], maintenance: [], silences: [], users: [], schedules: [], policies: [], routes: [], webhooks: [], exposures: [] };

/**
 * Problems zod's own pass cannot see: duplicate names (reported even when other elements are
 * invalid) and, once everything parses, references to people, schedules, policies and webhooks
 * that are not declared.
 */
export function declaredCrossIssues(raw: unknown, parsed: Declared | null): Array<{ path: Array<string | number>; message: string }> {
  return [...duplicateNameIssues(raw), ...(parsed ? oncallReferenceIssues(parsed) : [])];
}

/** The declared sections of anything shaped like micro.yaml (missing sections are empty). */
export function declaredPart(file: Partial<Declared>): Declared {
  return Object.fromEntries(Object.keys(EMPTY_DECLARED).map((k) => [k, file[k as keyof Declared] ?? []])) as Declared;
}
