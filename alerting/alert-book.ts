// The current state of every alert, kept in memory and in the alert event log. A result goes
// through the state machine; its events are appended to the log (with the state after them)
// before the paging layer hears of them, so a restart neither loses a firing alert nor its
// RESOLVED, and `load` rebuilds everything from the log.
import { alertHistory, appendAlertEvents, latestAlertEvents, type AlertEventRow, type Store } from '../store/index.js';
import {
  DEFAULT_POLICY,
  acknowledgeAlert,
  initialAlertState,
  nextAlertState,
  resolveAlert,
  type AlertEvent,
  type AlertPolicy,
  type AlertState,
  type CheckOutcome,
  type Step,
} from './state-machine.js';

export interface AlertSubject {
  namespace: string;
  /** Stable identity, e.g. `check:checkout-http` or `rule:checkout-errors`. */
  key: string;
  labels: Record<string, string>;
  policy?: Partial<AlertPolicy>;
}

/** What the paging layer is handed: firing, acknowledged and resolved alerts. */
export interface AlertNotice {
  namespace: string;
  alertKey: string;
  labels: Record<string, string>;
  event: AlertEvent;
  state: AlertState;
}

export type PagingSink = (notice: AlertNotice) => Promise<void>;

export interface TrackedAlert {
  namespace: string;
  alertKey: string;
  labels: Record<string, string>;
  state: AlertState;
}

export interface AlertBook {
  /** Rebuilds every alert of the namespace from the event log. */
  load(namespace: string): Promise<number>;
  record(subject: AlertSubject, result: CheckOutcome, now: number): Promise<AlertState>;
  acknowledge(namespace: string, key: string, by: string, now: number): Promise<AlertState | null>;
  resolve(namespace: string, key: string, by: string, now: number): Promise<AlertState | null>;
  get(namespace: string, key: string): TrackedAlert | undefined;
  list(namespace: string): TrackedAlert[];
  history(namespace: string, key: string, limit?: number): Promise<AlertEventRow[]>;
}

const PAGED: ReadonlySet<string> = new Set(['firing', 'acknowledged', 'resolved']);

export function createAlertBook(
  store: Pick<Store, 'insertJson' | 'query'>,
  page: PagingSink,
  onPagingError: (err: unknown) => void = () => undefined,
): AlertBook {
  const alerts = new Map<string, TrackedAlert>();
  const id = (ns: string, key: string) => `${ns}\u0000${key}`;
  let seq = 0;

  async function commit(alert: TrackedAlert, step: Step): Promise<AlertState> {
    if (step.events.length === 0) {
      alert.state = step.state;
      return step.state;
    }
    const snapshot = JSON.stringify(step.state);
    await appendAlertEvents(
      store,
      step.events.map((e) => ({
        namespace: alert.namespace,
        alertKey: alert.alertKey,
        at: e.at,
        seq: seq++,
        kind: e.kind,
        from: e.from,
        to: e.to,
        reason: e.reason,
        notify: e.notify,
        labels: alert.labels,
        state: snapshot,
      })),
    );
    alert.state = step.state;
    for (const event of step.events) {
      if (!PAGED.has(event.kind)) continue;
      await page({
        namespace: alert.namespace,
        alertKey: alert.alertKey,
        labels: alert.labels,
        event,
        state: step.state,
      }).catch(onPagingError);
    }
    return step.state;
  }

  return {
    async load(namespace) {
      const rows = await latestAlertEvents(store, namespace);
      for (const r of rows) {
        alerts.set(id(namespace, r.alertKey), {
          namespace,
          alertKey: r.alertKey,
          labels: r.labels,
          state: JSON.parse(r.state) as AlertState,
        });
        seq = Math.max(seq, r.seq + 1);
      }
      return rows.length;
    },
    async record(subject, result, now) {
      const key = id(subject.namespace, subject.key);
      let alert = alerts.get(key);
      if (!alert) {
        alert = {
          namespace: subject.namespace,
          alertKey: subject.key,
          labels: subject.labels,
          state: initialAlertState(now),
        };
        alerts.set(key, alert);
      }
      alert.labels = subject.labels;
      return commit(alert, nextAlertState(alert.state, result, now, { ...DEFAULT_POLICY, ...subject.policy }));
    },
    async acknowledge(namespace, key, by, now) {
      const alert = alerts.get(id(namespace, key));
      return alert ? commit(alert, acknowledgeAlert(alert.state, by, now)) : null;
    },
    async resolve(namespace, key, by, now) {
      const alert = alerts.get(id(namespace, key));
      return alert ? commit(alert, resolveAlert(alert.state, by, now)) : null;
    },
    get: (namespace, key) => alerts.get(id(namespace, key)),
    list: (namespace) => [...alerts.values()].filter((a) => a.namespace === namespace),
    history: (namespace, key, limit) => alertHistory(store, namespace, key, limit),
  };
}
