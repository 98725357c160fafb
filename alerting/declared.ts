// What a team declares (checks, rules, maintenance, silences, people, schedules, policies,
// routes, webhooks), validated by the one schema, compared with what is stored, and applied as
// one change set.
import {
  ConfigError,
  DECLARED_SECTIONS,
  EMPTY_DECLARED,
  declaredCrossIssues,
  declaredSchema,
  formatIssues,
  type Declared,
} from '../config/index.js';
import {
  readConfigObjects,
  writeConfigObjects,
  type ConfigObject,
  type ConfigWrite,
  type Store,
} from '../store/index.js';

export type { Declared };

/** Routes are ordered (the first match decides), so they are stored as one object. Overrides and silences added by hand are kinds of their own, never pruned. */
const ROUTES_KIND = 'routes';
/** How the namespace's pages are sent: one object too (its password only ever sealed). */
const NOTIFICATIONS_KIND = 'notifications';
const DECLARED_KINDS = new Set<string>([...DECLARED_SECTIONS.map((s) => s.kind), ROUTES_KIND, NOTIFICATIONS_KIND]);

/** Validates declared objects; every problem names its field. */
export function parseDeclared(input: unknown): Declared {
  const r = declaredSchema.safeParse(input ?? {});
  const cross = declaredCrossIssues(input, r.success ? r.data : null);
  if (r.success && cross.length === 0) return r.data;
  throw new ConfigError([
    ...(r.success ? [] : formatIssues(r.error.issues)),
    ...cross.map((i) => `${i.path.join('.')}: ${i.message}`),
  ]);
}

/** JSON with keys sorted, so equal objects compare equal whatever order they were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export interface ApplyPlan {
  created: Array<{ kind: string; name: string }>;
  changed: Array<{ kind: string; name: string }>;
  removed: Array<{ kind: string; name: string }>;
  unchanged: number;
}

export function planApply(
  current: ConfigObject[],
  desired: Declared,
  prune: boolean,
): { plan: ApplyPlan; writes: ConfigWrite[] } {
  const plan: ApplyPlan = { created: [], changed: [], removed: [], unchanged: 0 };
  const writes: ConfigWrite[] = [];
  const wanted = new Map<string, { kind: string; name: string; spec: string }>();
  for (const { section, kind, key } of DECLARED_SECTIONS) {
    for (const item of desired[section] as Array<Record<string, unknown>>) {
      const name = String(item[key]);
      wanted.set(`${kind}\u0000${name}`, { kind, name, spec: canonical(item) });
    }
  }
  if (desired.routes.length > 0)
    wanted.set(`${ROUTES_KIND}\u0000${ROUTES_KIND}`, {
      kind: ROUTES_KIND,
      name: ROUTES_KIND,
      spec: canonical(desired.routes),
    });
  if (desired.notifications) {
    if (desired.notifications.smtp?.auth?.pass !== undefined)
      throw new Error('an SMTP password reached the store unsealed');
    wanted.set(`${NOTIFICATIONS_KIND}\u0000${NOTIFICATIONS_KIND}`, {
      kind: NOTIFICATIONS_KIND,
      name: NOTIFICATIONS_KIND,
      spec: canonical(desired.notifications),
    });
  }
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
  store: Pick<Store, 'query' | 'insertJson'>,
  namespace: string,
  desired: Declared,
  opts: { prune: boolean; dryRun?: boolean; author: string; now: number },
): Promise<ApplyPlan> {
  const { plan, writes } = planApply(await readConfigObjects(store, namespace), desired, opts.prune);
  if (!opts.dryRun) await writeConfigObjects(store, namespace, writes, opts.author, opts.now);
  return plan;
}

/** What is stored, validated again (a stored object that no longer validates is reported, not run). */
export async function loadDeclared(
  store: Pick<Store, 'query'>,
  namespace: string,
  onInvalid: (name: string, err: unknown) => void = () => undefined,
): Promise<Declared> {
  const out: Declared = structuredClone(EMPTY_DECLARED);
  const objects = await readConfigObjects(store, namespace);
  for (const o of objects) {
    try {
      if (o.kind === ROUTES_KIND) {
        out.routes = declaredSchema.shape.routes.parse(JSON.parse(o.spec));
        continue;
      }
      if (o.kind === NOTIFICATIONS_KIND) {
        out.notifications = declaredSchema.shape.notifications.parse(JSON.parse(o.spec));
        continue;
      }
      const s = DECLARED_SECTIONS.find((x) => x.kind === o.kind);
      if (!s) continue;
      const parsed = declaredSchema.shape[s.section].parse([JSON.parse(o.spec)]) as unknown[];
      (out[s.section] as unknown[]).push(parsed[0]);
    } catch (err) {
      onInvalid(`${o.kind} ${o.name}`, err);
    }
  }
  return out;
}
