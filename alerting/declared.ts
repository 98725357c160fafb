// Checks and rules as declared (micro.yaml, `micro apply`, the API): validated by the one
// schema, compared with what is stored, and applied as one change set.
import { z } from 'zod';
import {
  ConfigError, checksSchema, declaredSilencesSchema, duplicateNameIssues, formatIssues, maintenanceListSchema, rulesSchema,
  type CheckConfig, type DeclaredSilence, type MaintenanceConfig, type RuleConfig,
} from '../config/index.js';
import { readConfigObjects, writeConfigObjects, type ConfigObject, type ConfigWrite, type Store } from '../store/index.js';

export interface Declared {
  checks: CheckConfig[];
  rules: RuleConfig[];
  maintenance: MaintenanceConfig[];
  silences: DeclaredSilence[];
}

export const declaredSchema = z.object({
  checks: checksSchema.default([]),
  rules: rulesSchema.default([]),
  maintenance: maintenanceListSchema.default([]),
  silences: declaredSilencesSchema.default([]),
}).strict();

/**
 * The kinds a declaration owns (and prunes). Silences declared in a file are `declared-silence`;
 * those added one by one (`micro silence add`) are `silence` and never pruned by an apply.
 */
const DECLARED_KINDS = new Set(['check', 'rule', 'maintenance', 'declared-silence']);

/** Validates declared objects; every problem names its field. */
export function parseDeclared(input: unknown): Declared {
  const r = declaredSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new ConfigError([
    ...formatIssues(r.error.issues),
    ...duplicateNameIssues(input).map((i) => `${i.path.join('.')}: ${i.message}`),
  ]);
}

/** JSON with keys sorted, so equal objects compare equal whatever order they were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export interface ApplyPlan {
  created: Array<{ kind: string; name: string }>;
  changed: Array<{ kind: string; name: string }>;
  removed: Array<{ kind: string; name: string }>;
  unchanged: number;
}

export function planApply(current: ConfigObject[], desired: Declared, prune: boolean): { plan: ApplyPlan; writes: ConfigWrite[] } {
  const plan: ApplyPlan = { created: [], changed: [], removed: [], unchanged: 0 };
  const writes: ConfigWrite[] = [];
  const wanted = new Map<string, { kind: string; name: string; spec: string }>();
  for (const c of desired.checks) wanted.set(`check\u0000${c.name}`, { kind: 'check', name: c.name, spec: canonical(c) });
  for (const r of desired.rules) wanted.set(`rule\u0000${r.name}`, { kind: 'rule', name: r.name, spec: canonical(r) });
  for (const m of desired.maintenance) wanted.set(`maintenance\u0000${m.name}`, { kind: 'maintenance', name: m.name, spec: canonical(m) });
  for (const x of desired.silences) wanted.set(`declared-silence\u0000${x.name}`, { kind: 'declared-silence', name: x.name, spec: canonical(x) });
  const have = new Map(current.filter((o) => DECLARED_KINDS.has(o.kind)).map((o) => [`${o.kind}\u0000${o.name}`, o]));
  for (const [key, w] of wanted) {
    const h = have.get(key);
    if (!h) plan.created.push({ kind: w.kind, name: w.name });
    else if (h.spec !== w.spec) plan.changed.push({ kind: w.kind, name: w.name });
    else {
      plan.unchanged++;
      continue;
    }
    writes.push(w);
  }
  if (prune) {
    for (const [key, h] of have) {
      if (wanted.has(key)) continue;
      plan.removed.push({ kind: h.kind, name: h.name });
      writes.push({ kind: h.kind, name: h.name, spec: null });
    }
  }
  return { plan, writes };
}

export async function applyDeclared(
  store: Pick<Store, 'query' | 'insertJson'>, namespace: string, desired: Declared, opts: { prune: boolean; dryRun?: boolean; author: string; now: number },
): Promise<ApplyPlan> {
  const { plan, writes } = planApply(await readConfigObjects(store, namespace), desired, opts.prune);
  if (!opts.dryRun) await writeConfigObjects(store, namespace, writes, opts.author, opts.now);
  return plan;
}

/** What is stored, validated again (a stored object that no longer validates is reported, not run). */
export async function loadDeclared(store: Pick<Store, 'query'>, namespace: string, onInvalid: (name: string, err: unknown) => void = () => undefined): Promise<Declared> {
  const out: Declared = { checks: [], rules: [], maintenance: [], silences: [] };
  for (const o of await readConfigObjects(store, namespace)) {
    try {
      if (o.kind === 'check') out.checks.push(parseDeclared({ checks: [JSON.parse(o.spec)] }).checks[0]!);
      else if (o.kind === 'rule') out.rules.push(parseDeclared({ rules: [JSON.parse(o.spec)] }).rules[0]!);
      else if (o.kind === 'maintenance') out.maintenance.push(parseDeclared({ maintenance: [JSON.parse(o.spec)] }).maintenance[0]!);
      else if (o.kind === 'declared-silence') out.silences.push(parseDeclared({ silences: [JSON.parse(o.spec)] }).silences[0]!);
    } catch (err) {
      onInvalid(`${o.kind} ${o.name}`, err);
    }
  }
  return out;
}
