// Which notifications an escalation owes by `now`, as a pure function of the escalation, the
// directory and what the notification log already holds. Every notification has a stable id
// (episode, pass, step, recipient, contact method), so planning twice, or after a restart,
// yields the same ids and the log decides what is left to send.
//
// Within a step each person's contact methods go out at their own delays; when one fails for
// good the next is used at once. A step whose every notification failed for good, or that
// reaches nobody, hands over to the next step at once instead of waiting for its delay.
import type { Directory } from './directory.js';
import { stepRecipients, timeline } from './escalation.js';

export interface Escalation {
  namespace: string;
  alertKey: string;
  firedAt: number;
  policy: string;
  startedAt: number;
  /** When it was acknowledged or resolved (null while it runs). */
  stoppedAt: number | null;
}

export interface PlannedNotification {
  id: string;
  kind: 'firing' | 'resolved';
  /** The channel's kind (channels/index.ts): email, webhook, log... */
  channel: string;
  /** A person's id, or a webhook channel's. */
  recipient: string;
  contact: string;
  address: string;
  step: number;
  pass: number;
  dueAt: number;
}

/** What the log knows of a notification: only whether (and when) it failed for good matters here. */
export interface LoggedStatus {
  status: string;
  at: number;
}

export const episodeId = (e: Pick<Escalation, 'alertKey' | 'firedAt'>): string => `${e.alertKey}|${e.firedAt}`;

export function firingNotificationId(
  e: Escalation,
  pass: number,
  step: number,
  recipient: string,
  contact: string,
): string {
  return `${episodeId(e)}|firing|p${pass}s${step}|${recipient}|${contact}`;
}

export function plannedFiring(
  e: Escalation,
  d: Directory,
  log: ReadonlyMap<string, LoggedStatus>,
  now: number,
): PlannedNotification[] {
  const policy = d.policies.get(e.policy);
  if (!policy) return [];
  const out: PlannedNotification[] = [];
  const steps = timeline(policy, e.startedAt);
  let shift = 0;
  for (let i = 0; i < steps.length; i++) {
    const { step, pass } = steps[i]!;
    const at = steps[i]!.at - shift;
    if (at > now || (e.stoppedAt !== null && at >= e.stoppedAt)) break;
    const { people, webhooks } = stepRecipients(policy.steps[step]!, d.schedules, at);
    let total = 0;
    let failed = 0;
    let lastFailure = at;
    const consider = (n: Omit<PlannedNotification, 'id' | 'kind' | 'step' | 'pass'>): LoggedStatus | undefined => {
      const id = firingNotificationId(e, pass, step, n.recipient, n.contact);
      const logged = log.get(id);
      total++;
      if (logged?.status === 'failed') {
        failed++;
        lastFailure = Math.max(lastFailure, logged.at);
      }
      if (!logged && n.dueAt <= now && (e.stoppedAt === null || n.dueAt < e.stoppedAt))
        out.push({ ...n, id, kind: 'firing', step, pass });
      return logged;
    };
    for (const personId of people) {
      const person = d.people.get(personId);
      let failedAt: number | null = null;
      for (const c of person?.contacts ?? []) {
        const dueAt = failedAt === null ? at + c.afterMs : Math.min(at + c.afterMs, Math.max(at, failedAt));
        const logged = consider({
          channel: c.channel,
          recipient: personId,
          contact: c.name,
          address: c.address,
          dueAt,
        });
        failedAt = logged?.status === 'failed' ? logged.at : null;
      }
    }
    for (const w of webhooks) {
      const url = d.webhooks.get(w);
      if (url) consider({ channel: 'webhook', recipient: w, contact: 'webhook', address: url, dueAt: at });
    }
    const next = steps[i + 1];
    if (next && failed === total) {
      // Nobody can be reached by this step: the next one comes now rather than after its delay.
      const nextAt = next.at - shift;
      if (lastFailure < nextAt) shift += nextAt - lastFailure;
    }
  }
  return out;
}

/**
 * RESOLVED goes to every person and channel that received the firing page of this episode, once
 * each, through the contact method that reached them.
 */
export function plannedResolved(
  e: Escalation,
  sentFiring: ReadonlyArray<Pick<PlannedNotification, 'channel' | 'recipient' | 'contact' | 'address'>>,
  resolvedAt: number,
): PlannedNotification[] {
  const seen = new Set<string>();
  const out: PlannedNotification[] = [];
  for (const n of sentFiring) {
    const id = `${episodeId(e)}|resolved|${n.recipient}|${n.contact}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ ...n, id, kind: 'resolved', step: 0, pass: 0, dueAt: resolvedAt });
  }
  return out;
}
