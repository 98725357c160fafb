// The pager's pure part: an escalation as the pager holds it and as the store keeps it, a planned
// notification's first row, and what an attempt's outcome makes of a notification (GoAlert keeps
// such calculation apart from loading and sending, so it is tested without a store or a clock).
import type { EscalationRow, NotificationRow, NotificationStatus } from '../store/index.js';
import type { SendOutcome } from './channels/index.js';
import type { Escalation, PlannedNotification } from './paging-plan.js';

export interface Running extends Escalation {
  /** The latest row of each of this escalation's notifications, by id. */
  notifications: Map<string, NotificationRow>;
  labels: Record<string, string>;
  stopReason: string;
  resolvedAt: number | null;
  firingReason: string;
  resolvedReason: string;
}

/**
 * Marks a notification whose send was interrupted by a crash (between its "sending" row and its
 * outcome): it may have reached its recipient, so RESOLVED goes to them even if it is never retried.
 */
export const INTERRUPTED = 'interrupted mid-send, it may have reached its recipient';

/** A firing page that reached its recipient, or may have (a crash interrupted its send). */
export const mayHaveReached = (n: NotificationRow): boolean =>
  n.kind === 'firing' && (n.status === 'sent' || n.error.includes(INTERRUPTED));

/** A row reloaded at start: one interrupted mid-send goes again at once, marked as such. */
export const reloadedRow = (n: NotificationRow): NotificationRow =>
  n.status === 'sending' ? { ...n, status: 'retrying', nextAttemptAt: n.at, error: INTERRUPTED } : n;

/**
 * The error a notification's next row records: what the change says (or what it had), keeping the
 * mark of an earlier interrupted send until the page is sent.
 */
export function nextError(n: NotificationRow, status: NotificationStatus, error: string | undefined): string {
  const text = error ?? n.error;
  if (status === 'sent' || !n.error.includes(INTERRUPTED) || text.includes(INTERRUPTED)) return text;
  return `${text} (earlier: ${INTERRUPTED})`;
}

/** A held page looks again this often (and at once when a channel is configured). */
export const HELD_RECHECK_MS = 60_000;
const backoff = (attempt: number): number => Math.min(60_000, 2000 * 2 ** Math.max(0, attempt - 1));

export const escalationRow = (e: Running): EscalationRow => ({
  namespace: e.namespace,
  alertKey: e.alertKey,
  firedAt: e.firedAt,
  policy: e.policy,
  startedAt: e.startedAt,
  stoppedAt: e.stoppedAt ?? 0,
  stopReason: e.stopReason,
  resolvedAt: e.resolvedAt ?? 0,
  labels: e.labels,
  notice: JSON.stringify({ firingReason: e.firingReason, resolvedReason: e.resolvedReason }),
});

/** An escalation reloaded at start; its notifications are loaded after it. */
export function runningFromRow(r: EscalationRow): Running {
  const notice = JSON.parse(r.notice || '{}') as { firingReason?: string; resolvedReason?: string };
  return {
    namespace: r.namespace,
    alertKey: r.alertKey,
    firedAt: r.firedAt,
    policy: r.policy,
    startedAt: r.startedAt,
    stoppedAt: r.stoppedAt || null,
    stopReason: r.stopReason,
    resolvedAt: r.resolvedAt || null,
    labels: r.labels,
    firingReason: notice.firingReason ?? '',
    resolvedReason: notice.resolvedReason ?? '',
    notifications: new Map(),
  };
}

export function notificationRow(e: Running, p: PlannedNotification): NotificationRow {
  return {
    namespace: e.namespace,
    id: p.id,
    at: p.dueAt,
    alertKey: e.alertKey,
    firedAt: e.firedAt,
    kind: p.kind,
    channel: p.channel,
    recipient: p.recipient,
    contact: p.contact,
    address: p.address,
    step: p.step,
    pass: p.pass,
    status: 'pending',
    attempt: 0,
    error: '',
    dueAt: p.dueAt,
    nextAttemptAt: p.dueAt,
    fence: 0,
  };
}

export interface AfterOutcome {
  status: NotificationStatus;
  change: Partial<NotificationRow>;
  message: string;
  fields: Record<string, unknown>;
}

/**
 * What an attempt's outcome makes of a notification: held pages look again later and are never
 * given up; a transient failure backs off until `maxRetryMs` after it was due, then fails for good.
 */
export function afterOutcome(outcome: SendOutcome, n: NotificationRow, now: number, maxRetryMs: number): AfterOutcome {
  switch (outcome.status) {
    case 'success':
      return { status: 'sent', change: { error: '' }, message: 'page sent', fields: { detail: outcome.detail } };
    case 'held':
      return {
        status: 'retrying',
        change: { error: outcome.error, nextAttemptAt: now + HELD_RECHECK_MS },
        message: 'page held: its channel is not configured',
        fields: {},
      };
    case 'retryable':
      if (now - n.dueAt < maxRetryMs)
        return {
          status: 'retrying',
          change: { error: outcome.error, nextAttemptAt: now + backoff(n.attempt) },
          message: 'page failed, will retry',
          fields: {},
        };
      return {
        status: 'failed',
        change: { error: `gave up after ${n.attempt} attempts: ${outcome.error}` },
        message: 'page failed',
        fields: {},
      };
    case 'failure':
      return { status: 'failed', change: { error: outcome.error }, message: 'page failed', fields: {} };
  }
}
