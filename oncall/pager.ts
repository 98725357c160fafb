// The pager: starts an escalation when the dispatcher hands it a firing alert, stops it on
// acknowledgement or resolution, and on every `tick(now)` sends what the plan says is owed.
// Each attempt is recorded before it is sent (sending) and after (sent, retrying, failed), and a
// restart reloads the log, so a page is neither sent twice nor skipped. A page interrupted by a
// crash between "sending" and its outcome is sent again with the same Message-ID, which mail
// clients treat as one message; if its alert resolves first, it is not sent again, but its
// recipient is told RESOLVED (the page may have reached them).
import { performance } from 'node:perf_hooks';
import type { NoticeGroup } from '../alerting/index.js';
import {
  appendNotifications,
  latestNotifications,
  loadEscalations,
  saveEscalation,
  type NotificationRow,
  type NotificationStatus,
  type Store,
} from '../store/index.js';
import type { Directory } from './directory.js';
import { routeFor } from './escalation.js';
import type { PageLogLine } from './messages.js';
import { episodeId, plannedFiring, plannedResolved } from './paging-plan.js';
import { sendPage, type Channels, type SendOutcome } from './channels/index.js';
import {
  afterOutcome,
  escalationRow,
  mayHaveReached,
  nextError,
  notificationRow,
  reloadedRow,
  runningFromRow,
  type Running,
} from './pager-rows.js';
import { buildPage } from './page-build.js';

export interface AlertView {
  phase: string;
  firingSince: number | null;
  acknowledged: { by: string; at: number } | null;
  resolvedAt: number | null;
}

export interface PagerOptions {
  store: Pick<Store, 'query' | 'insertJson'>;
  namespace: string;
  directory: () => Directory;
  /** The alert as the alert book knows it now. */
  alert: (key: string) => AlertView | undefined;
  channels: Channels;
  publicUrl: () => string;
  signingKey: Buffer;
  ackLinkTtlMs: number;
  recentLogs: (service: string, from: number, to: number) => Promise<PageLogLine[]>;
  /** A transient failure is retried (backing off) for this long before it counts as failed (default 1 h). */
  maxRetryMs?: number;
  onEvent?: (message: string, fields: Record<string, unknown>) => void;
  /**
   * Asked right before each send: the fencing number of this process's lease on the namespace,
   * or null when it no longer holds it (then nothing is sent; the new holder resumes from the log).
   */
  confirmLease?: () => Promise<number | null>;
}

export interface Pager {
  /** A channel was configured: pages held for want of it go at the next tick. */
  release(now: number): void;
  /** Reloads running escalations and their notifications (at start). */
  load(now: number): Promise<number>;
  deliver(group: NoticeGroup, now: number): Promise<void>;
  tick(now: number): Promise<void>;
  escalations(): Array<Omit<Running, 'notifications'> & { notifications: NotificationRow[] }>;
  /** Resolves once every send in flight has finished (sends run in the background of `tick`). */
  drain(): Promise<void>;
}

const TERMINAL: ReadonlySet<NotificationStatus> = new Set(['sent', 'failed', 'cancelled']);
export function createPager(o: PagerOptions): Pager {
  const escalations = new Map<string, Running>();
  const inFlight = new Map<string, Promise<void>>();
  const maxRetryMs = o.maxRetryMs ?? 3600_000;
  /** Notifications waiting for their channel to be configured (not failing: never given up). */
  const held = new Set<string>();
  const event = (message: string, fields: Record<string, unknown>) => o.onEvent?.(message, fields);

  const openFor = (key: string): Running | undefined =>
    [...escalations.values()].find((e) => e.alertKey === key && e.stoppedAt === null);
  const routeOf = (labels: Record<string, string>, namespace: string): string | null =>
    routeFor(o.directory().routes, { ...labels, namespace });

  async function record(
    e: Running,
    n: NotificationRow,
    status: NotificationStatus,
    now: number,
    extra: Partial<NotificationRow> = {},
  ): Promise<NotificationRow> {
    const next = { ...n, ...extra, status, at: now, error: nextError(n, status, extra.error) };
    await appendNotifications(o.store, [next]);
    e.notifications.set(n.id, next);
    return next;
  }

  async function stop(
    e: Running,
    at: number,
    reason: string,
    now: number,
    resolved: { at: number; reason: string } | null,
  ): Promise<void> {
    if (e.stoppedAt === null) [e.stoppedAt, e.stopReason] = [at, reason];
    if (resolved && e.resolvedAt === null) [e.resolvedAt, e.resolvedReason] = [resolved.at, resolved.reason];
    await saveEscalation(o.store, escalationRow(e), now);
    event('escalation stopped', { alert: e.alertKey, reason: e.stopReason, resolved: e.resolvedAt !== null });
  }

  async function attempt(e: Running, planned: NotificationRow, now: number): Promise<void> {
    const confirm = async (): Promise<number | null> => (o.confirmLease ? o.confirmLease() : 0);
    const notHeld = () =>
      event('not sent: this process no longer holds the namespace lease', { id: planned.id, alert: planned.alertKey });
    // Confirmed before the row is written (a process that lost its lease writes nothing), and
    // again right before the send, so the window left is the send itself.
    const fence = await confirm();
    if (fence === null) return notHeld();
    const n = await record(e, planned, 'sending', now, { attempt: planned.attempt + 1, fence });
    let outcome: SendOutcome;
    let confirmedAt = performance.now();
    try {
      // RESOLVED threads under the first page that reached the same person the same way.
      const page =
        n.kind === 'resolved'
          ? [...e.notifications.values()].find(
              (x) => x.kind === 'firing' && x.recipient === n.recipient && x.contact === n.contact,
            )
          : undefined;
      const message = await buildPage(o, e, n, now);
      if ((await confirm()) !== fence) return notHeld();
      confirmedAt = performance.now();
      outcome = await sendPage(o.channels, message, n, n.id, o.publicUrl(), page?.id);
    } catch (err) {
      outcome = { status: 'retryable', error: (err as Error).message };
    }
    const fields = {
      id: n.id,
      alert: n.alertKey,
      kind: n.kind,
      channel: n.channel,
      recipient: n.recipient,
      attempt: n.attempt,
    };
    // How long after the lease was confirmed the send finished: the window in which a process
    // paused past its lease could still send (documented and measured in bench/failover).
    const windowMs = Math.round(performance.now() - confirmedAt);
    const next = afterOutcome(outcome, n, now, maxRetryMs);
    if (outcome.status === 'held') held.add(n.id);
    else held.delete(n.id);
    await record(e, n, next.status, now, next.change);
    event(next.message, {
      ...fields,
      fence,
      windowMs,
      ...(next.change.error ? { error: next.change.error } : {}),
      ...next.fields,
    });
  }

  /** Brings escalations in line with the alerts (an acknowledgement or resolution the pager missed). */
  async function reconcile(now: number): Promise<void> {
    for (const e of escalations.values()) {
      if (e.stoppedAt === null && e.policy === '') {
        // Fired while no route matched: once one does (routes were changed), it escalates from now.
        const policy = routeOf(e.labels, e.namespace);
        if (policy) {
          [e.policy, e.startedAt] = [policy, now];
          await saveEscalation(o.store, escalationRow(e), now);
          event('escalation started: a route now matches', { alert: e.alertKey, policy });
        }
      }
      if (e.stoppedAt !== null && e.resolvedAt !== null) continue;
      const a = o.alert(e.alertKey);
      if (a?.phase !== 'firing' || a.firingSince !== e.firedAt) {
        const at = a?.resolvedAt ?? now;
        await stop(e, at, 'resolved', now, { at, reason: a ? 'recovered' : 'the alert no longer exists' });
      } else if (a.acknowledged && e.stoppedAt === null) {
        await stop(e, a.acknowledged.at, `acknowledged by ${a.acknowledged.by}`, now, null);
      }
    }
  }

  return {
    release(now) {
      for (const e of escalations.values()) {
        for (const n of e.notifications.values())
          if (held.has(n.id) && n.status === 'retrying') e.notifications.set(n.id, { ...n, nextAttemptAt: now });
      }
    },
    async load(now) {
      const rows = await loadEscalations(o.store, o.namespace, now - 86400_000);
      for (const r of rows) {
        escalations.set(episodeId(r), runningFromRow(r));
      }
      for (const n of await latestNotifications(o.store, o.namespace, rows)) {
        // Interrupted mid-send: unknown whether it went, so it goes again (same Message-ID).
        escalations.get(episodeId(n))?.notifications.set(n.id, reloadedRow(n));
      }
      return rows.length;
    },

    async deliver(group, now) {
      for (const n of group.notices) {
        if (n.event.kind === 'firing') {
          const firedAt = n.state.firingSince ?? n.event.at;
          if (escalations.has(episodeId({ alertKey: n.alertKey, firedAt })) || group.repeat) continue;
          const policy = routeOf(n.labels, n.namespace) ?? '';
          const e: Running = {
            namespace: n.namespace,
            alertKey: n.alertKey,
            firedAt,
            policy,
            startedAt: now,
            stoppedAt: null,
            stopReason: '',
            resolvedAt: null,
            labels: n.labels,
            firingReason: n.state.lastMessage || n.event.reason,
            resolvedReason: '',
            notifications: new Map(),
          };
          await saveEscalation(o.store, escalationRow(e), now);
          escalations.set(episodeId(e), e);
          event(policy ? 'escalation started' : 'no route pages this alert', {
            alert: n.alertKey,
            policy,
            labels: n.labels,
          });
        } else {
          const e =
            n.event.kind === 'resolved'
              ? [...escalations.values()].find((x) => x.alertKey === n.alertKey && x.resolvedAt === null)
              : openFor(n.alertKey);
          if (!e) continue;
          if (n.event.kind === 'acknowledged') await stop(e, n.event.at, n.event.reason || 'acknowledged', now, null);
          else await stop(e, n.event.at, 'resolved', now, { at: n.event.at, reason: n.event.reason });
        }
      }
      await this.tick(now);
    },

    async tick(now) {
      await reconcile(now);
      const d = o.directory();
      for (const [key, e] of escalations) {
        const mine = e.notifications;
        const planned = plannedFiring(e, d, mine, now);
        if (e.resolvedAt !== null) {
          // A page cut off by a crash and cancelled before its retry may still be on someone's phone.
          const reached = [...mine.values()].filter(mayHaveReached);
          planned.push(...plannedResolved(e, reached, e.resolvedAt));
        }
        for (const p of planned) if (!mine.has(p.id)) mine.set(p.id, notificationRow(e, p));
        for (const n of mine.values()) {
          if (TERMINAL.has(n.status) || inFlight.has(n.id)) continue;
          if (n.kind === 'firing' && e.stoppedAt !== null) {
            // Acknowledged or resolved before it went out: it is not sent any more.
            if (n.status === 'retrying') await record(e, n, 'cancelled', now, { error: e.stopReason });
            else mine.set(n.id, { ...n, status: 'cancelled' });
            continue;
          }
          if ((n.status === 'pending' ? n.dueAt : n.nextAttemptAt) > now) continue;
          // Sent in the background: a slow mail server holds up no check, no acknowledgement and
          // no other page; `inFlight` keeps the same notification from going out twice at once.
          const p = attempt(e, n, now)
            .catch((err: unknown) =>
              event('a page attempt could not be recorded; it is tried again', {
                id: n.id,
                error: (err as Error).message,
              }),
            )
            .finally(() => inFlight.delete(n.id));
          inFlight.set(n.id, p);
        }
        // Done with: stopped, resolved, nothing left to send, and a day old.
        if (
          e.stoppedAt !== null &&
          e.resolvedAt !== null &&
          now - e.resolvedAt > 86400_000 &&
          [...mine.values()].every((n) => TERMINAL.has(n.status))
        )
          escalations.delete(key);
      }
    },

    escalations: () => [...escalations.values()].map((e) => ({ ...e, notifications: [...e.notifications.values()] })),
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
    },
  };
}
