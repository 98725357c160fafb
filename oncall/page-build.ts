// What one notification says: the page built from its escalation (reason, recipient, step, the
// signed acknowledge link, the service's recent warning and error log lines), for any channel.
import type { NotificationRow } from '../store/index.js';
import type { Directory } from './directory.js';
import type { Page, PageLogLine } from './messages.js';
import type { Running } from './pager-rows.js';
import { ackToken } from './signed-links.js';

/** What building a page needs of the pager's options. */
export interface PageContext {
  directory: () => Directory;
  publicUrl: () => string;
  signingKey: Buffer;
  ackLinkTtlMs: number;
  recentLogs: (service: string, from: number, to: number) => Promise<PageLogLine[]>;
}

export async function buildPage(o: PageContext, e: Running, n: NotificationRow, now: number): Promise<Page> {
  const person = o.directory().people.get(n.recipient);
  const base = o.publicUrl().replace(/\/$/, '');
  const service = e.labels.service;
  const logLines = service ? await o.recentLogs(service, e.firedAt - 15 * 60_000, now).catch(() => []) : [];
  const firing = n.kind === 'firing';
  return {
    kind: firing ? 'firing' : 'resolved',
    namespace: e.namespace,
    alertKey: e.alertKey,
    labels: e.labels,
    reason: firing ? e.firingReason : e.resolvedReason,
    firedAt: e.firedAt,
    resolvedAt: firing ? null : e.resolvedAt,
    recipient:
      n.channel === 'email' || person
        ? { id: n.recipient, name: person?.name ?? n.recipient, timezone: person?.timezone ?? 'UTC' }
        : null,
    step: n.step,
    pass: n.pass,
    policy: e.policy,
    ackUrl: firing
      ? `${base}/ack/${ackToken(o.signingKey, { namespace: e.namespace, alertKey: e.alertKey, firedAt: e.firedAt, recipient: n.recipient, expiresAt: now + o.ackLinkTtlMs })}`
      : null,
    alertUrl: `${base}/api/v1/alerts/${encodeURIComponent(e.alertKey)}/history`,
    logLines,
  };
}
