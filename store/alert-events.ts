// The alert event log: appended before anyone is told, read back to rebuild state at start.
import { dateTime64Text } from './datetime.js';
import type { Store } from './store.js';

export interface AlertEventRow {
  namespace: string;
  alertKey: string;
  at: number;
  /** Orders events of one alert that share a millisecond. */
  seq: number;
  kind: string;
  from: string;
  to: string;
  reason: string;
  notify: boolean;
  labels: Record<string, string>;
  /** The alert's state after the event, as JSON. */
  state: string;
}

export async function appendAlertEvents(store: Pick<Store, 'insertJson'>, events: AlertEventRow[]): Promise<void> {
  if (events.length === 0) return;
  await store.insertJson(
    'micro_alert_events',
    events.map((e) => ({
      Namespace: e.namespace,
      AlertKey: e.alertKey,
      At: dateTime64Text(e.at),
      Seq: e.seq,
      Kind: e.kind,
      FromPhase: e.from,
      ToPhase: e.to,
      Reason: e.reason,
      Notify: e.notify,
      Labels: e.labels,
      State: e.state,
    })),
  );
}

interface Row {
  alertKey: string;
  at: string;
  seq: string;
  kind: string;
  from: string;
  to: string;
  reason: string;
  notify: boolean;
  labels: Record<string, string>;
  state: string;
}

const fromRow = (namespace: string, r: Row): AlertEventRow => ({
  namespace,
  alertKey: r.alertKey,
  at: Number(r.at),
  seq: Number(r.seq),
  kind: r.kind,
  from: r.from,
  to: r.to,
  reason: r.reason,
  notify: r.notify,
  labels: r.labels,
  state: r.state,
});

const COLUMNS = `AlertKey AS alertKey, toString(toUnixTimestamp64Milli(At)) AS at, toString(Seq) AS seq, Kind AS kind, FromPhase AS from, ToPhase AS to,
  Reason AS reason, Notify AS notify, Labels AS labels, State AS state`;

/** The latest event of every alert of the namespace (what a restart resumes from). */
export async function latestAlertEvents(store: Pick<Store, 'query'>, namespace: string): Promise<AlertEventRow[]> {
  const rows = await store.query<Row>(
    `SELECT ${COLUMNS} FROM micro_alert_events WHERE Namespace = {ns:String}
     ORDER BY AlertKey, At DESC, Seq DESC LIMIT 1 BY AlertKey`,
    { ns: namespace },
  );
  return rows.map((r) => fromRow(namespace, r));
}

/** One alert's events, newest first. */
export async function alertHistory(
  store: Pick<Store, 'query'>,
  namespace: string,
  alertKey: string,
  limit = 100,
): Promise<AlertEventRow[]> {
  const rows = await store.query<Row>(
    `SELECT ${COLUMNS} FROM micro_alert_events WHERE Namespace = {ns:String} AND AlertKey = {key:String}
     ORDER BY At DESC, Seq DESC LIMIT {limit:UInt32}`,
    { ns: namespace, key: alertKey, limit: Math.min(Math.max(1, limit), 1000) },
  );
  return rows.map((r) => fromRow(namespace, r));
}
