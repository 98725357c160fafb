// Escalation as pure functions of time: which steps of a policy are due, for whom, given when
// the alert fired and whether it was acknowledged or resolved; and which policy an alert routes
// to. Recipients of a schedule step are whoever is on call at that step's time.
import { whoIsOnCall, type Schedule } from './schedule.js';

export type Target = { kind: 'user'; id: string } | { kind: 'schedule'; id: string } | { kind: 'webhook'; id: string };

export interface EscalationStep {
  notify: Target[];
  /** Delay after the previous step (after the alert fired, for the first). */
  afterMs: number;
}

export interface EscalationPolicy {
  id: string;
  steps: EscalationStep[];
  /** How many more times the whole policy runs after the first pass (the issue's `repeat: 2`). */
  repeat: number;
}

export interface Route {
  /** Labels the alert must have, with these values; the first route that matches decides. */
  match: Record<string, string>;
  policy: string;
}

export interface DueStep {
  at: number;
  step: number;
  /** 0 for the first pass, then 1..repeat. */
  pass: number;
  users: string[];
  webhooks: string[];
}

export function parseTarget(text: string): Target {
  const m = /^(user|schedule|webhook):(.+)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a target like user:bob, schedule:primary or webhook:ops-chat`);
  return { kind: m[1] as Target['kind'], id: m[2]! };
}

/** Bounds of an escalation's walk (the schema's own limits). */
export const MAX_REPEAT = 20;
export const MAX_STEPS = 20;

export function routeFor(routes: readonly Route[], labels: Record<string, string>): string | null {
  return routes.find((r) => Object.entries(r.match).every(([k, v]) => labels[k] === v))?.policy ?? null;
}

/**
 * Every step of the policy in time order: the first pass, then `repeat` more, each pass starting
 * the last step's delay (or, when it has none, the first step's; at least a minute) after the
 * previous pass's last step.
 */
export function timeline(policy: EscalationPolicy, firedAt: number): Array<{ at: number; step: number; pass: number }> {
  const out: Array<{ at: number; step: number; pass: number }> = [];
  if (policy.steps.length === 0) return out;
  // The schema allows 20 repeats of at most 20 steps; whatever reaches here, the walk stays bounded.
  const passes = Math.min(policy.repeat, MAX_REPEAT);
  const steps = policy.steps.slice(0, MAX_STEPS);
  const last = steps[steps.length - 1]!;
  const gap = Math.max(60_000, last.afterMs || steps[0]!.afterMs);
  let t = firedAt;
  for (let pass = 0; pass <= passes; pass++) {
    steps.forEach((s, i) => {
      t += i === 0 ? (pass === 0 ? s.afterMs : gap) : s.afterMs;
      out.push({ at: t, step: i, pass });
    });
  }
  return out;
}

/**
 * The steps due in (from, to], for whom. Nothing is due once the alert is acknowledged or
 * resolved (at or before the step's time).
 */
export function dueSteps(
  policy: EscalationPolicy,
  schedules: ReadonlyMap<string, Schedule>,
  firedAt: number,
  stoppedAt: number | null,
  from: number,
  to: number,
): DueStep[] {
  return timeline(policy, firedAt)
    .filter((s) => s.at > from && s.at <= to && (stoppedAt === null || s.at < stoppedAt))
    .map((s) => {
      const { people, webhooks } = stepRecipients(policy.steps[s.step]!, schedules, s.at);
      return { ...s, users: people, webhooks };
    });
}

/** Everyone a step reaches at `at`: people (a schedule: whoever is on call then) and webhook channels. */
export function stepRecipients(
  step: EscalationStep,
  schedules: ReadonlyMap<string, Schedule>,
  at: number,
): { people: string[]; webhooks: string[] } {
  const people = new Set<string>();
  const webhooks: string[] = [];
  for (const t of step.notify) {
    if (t.kind === 'user') people.add(t.id);
    else if (t.kind === 'webhook') webhooks.push(t.id);
    else {
      const schedule = schedules.get(t.id);
      if (schedule) for (const u of whoIsOnCall(schedule, at).users) people.add(u);
    }
  }
  return { people: [...people], webhooks };
}
