// Between the alert book and the paging layer: notices that are silenced, in maintenance or
// inhibited are held back (and said so); the rest are grouped by labels (one page for a
// service's alerts that fire together) and firing alerts are paged again while nobody
// acknowledges them. `tick(now)` does the timed part, so it runs with an injected clock.
import type { AlertNotice } from './alert-book.js';
import { muteReason, type InhibitRule, type MaintenanceWindow, type Silence } from './muting.js';

export interface NoticeGroup {
  key: string;
  labels: Record<string, string>;
  notices: AlertNotice[];
  /** True when this re-sends firing alerts nobody acknowledged. */
  repeat: boolean;
  /**
   * True when this hands over an alert found firing at start: its page may have been cut short
   * by the restart. The paging layer starts it unless it already has (it knows, the dispatcher not).
   */
  restored?: boolean;
}

export interface DispatcherOptions {
  deliver: (group: NoticeGroup) => Promise<void>;
  firing: () => ReadonlyArray<{
    key: string;
    labels: Record<string, string>;
    acknowledged: boolean;
    notice: AlertNotice | null;
  }>;
  silences: () => readonly Silence[];
  maintenance: () => readonly MaintenanceWindow[];
  inhibitRules?: readonly InhibitRule[];
  /** Labels that put notices in one group (default: service). */
  groupBy?: string[];
  /** How long a new group waits for more notices before it is sent (default 0: at once). */
  groupWaitMs?: number;
  /** Firing alerts not acknowledged are paged again after this (default 4 h, as Alertmanager). */
  repeatMs?: number;
  onMuted?: (notice: AlertNotice, reason: string) => void;
}

export interface Dispatcher {
  handle(notice: AlertNotice, now: number): Promise<void>;
  tick(now: number): Promise<void>;
}

export function createDispatcher(o: DispatcherOptions): Dispatcher {
  const groupBy = o.groupBy ?? ['service'];
  const pending = new Map<string, { since: number; group: NoticeGroup }>();
  const lastPaged = new Map<string, number>();
  /** Firing alerts whose page was held back: paged as soon as nothing holds them any more. */
  const heldBack = new Set<string>();
  const groupKey = (labels: Record<string, string>) => groupBy.map((l) => `${l}=${labels[l] ?? ''}`).join(',');

  const mute = (n: AlertNotice, now: number): string | null =>
    muteReason(
      n.labels,
      n.alertKey,
      {
        silences: o.silences(),
        maintenance: o.maintenance(),
        firing: o.firing().filter((f) => f.key !== n.alertKey),
        inhibitRules: o.inhibitRules,
      },
      now,
    );

  async function flush(now: number, force: boolean): Promise<void> {
    for (const [key, p] of pending) {
      if (!force && now - p.since < (o.groupWaitMs ?? 0)) continue;
      pending.delete(key);
      for (const n of p.group.notices) if (n.event.kind === 'firing') lastPaged.set(n.alertKey, now);
      await o.deliver(p.group);
    }
  }

  return {
    async handle(notice, now) {
      // Resolutions and acknowledgements always go through: they stop pages, never start them.
      const reason = notice.event.kind === 'firing' ? mute(notice, now) : null;
      if (reason) {
        heldBack.add(notice.alertKey);
        o.onMuted?.(notice, reason);
        return;
      }
      heldBack.delete(notice.alertKey);
      if (notice.event.kind !== 'firing') lastPaged.delete(notice.alertKey);
      const key = groupKey(notice.labels);
      const p = pending.get(key) ?? {
        since: now,
        group: {
          key,
          labels: Object.fromEntries(groupBy.map((l) => [l, notice.labels[l] ?? ''])),
          notices: [],
          repeat: false,
        },
      };
      p.group.notices.push(notice);
      pending.set(key, p);
      await flush(now, false);
    },
    async tick(now) {
      await flush(now, false);
      const repeatMs = o.repeatMs ?? 4 * 3600_000;
      const firing = o.firing();
      for (const key of heldBack) if (!firing.some((f) => f.key === key)) heldBack.delete(key);
      for (const f of firing) {
        if (f.acknowledged || !f.notice) continue;
        if (heldBack.has(f.key)) {
          // The silence or maintenance that held it back is over: page now.
          if (mute(f.notice, now)) continue;
          heldBack.delete(f.key);
          lastPaged.set(f.key, now);
          await o.deliver({ key: groupKey(f.labels), labels: f.labels, notices: [f.notice], repeat: false });
          continue;
        }
        const last = lastPaged.get(f.key);
        // After a restart: hand the alert over once (the paging layer knows whether it was paged),
        // and count repeats from now.
        if (last === undefined) {
          lastPaged.set(f.key, now);
          if (mute(f.notice, now)) heldBack.add(f.key);
          else
            await o.deliver({
              key: groupKey(f.labels),
              labels: f.labels,
              notices: [f.notice],
              repeat: false,
              restored: true,
            });
          continue;
        }
        if (now - last < repeatMs || mute(f.notice, now)) continue;
        lastPaged.set(f.key, now);
        await o.deliver({ key: groupKey(f.labels), labels: f.labels, notices: [f.notice], repeat: true });
      }
    },
  };
}
