// Escalations (one per firing episode of an alert) and the notification log: every attempt is
// a row written before it is sent and another after, read back at start so a restart resumes.
import { dateTime64Text } from './datetime.js';
import type { Store } from './store.js';
import { nextVersion } from './versions.js';

export interface EscalationRow {
  namespace: string;
  alertKey: string;
  /** When the episode began firing: with the alert key, it names the episode. */
  firedAt: number;
  policy: string;
  startedAt: number;
  /** 0 while it runs. */
  stoppedAt: number;
  stopReason: string;
  /** 0 until the alert resolves (it may resolve after an acknowledgement stopped the escalation). */
  resolvedAt: number;
  labels: Record<string, string>;
  /** The firing notice (reason, state), as JSON, for the messages. */
  notice: string;
}

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled';

export interface NotificationRow {
  namespace: string;
  id: string;
  at: number;
  alertKey: string;
  firedAt: number;
  kind: string;
  channel: string;
  recipient: string;
  contact: string;
  address: string;
  step: number;
  pass: number;
  status: NotificationStatus;
  attempt: number;
  error: string;
  dueAt: number;
  nextAttemptAt: number;
  /** The fencing number of the lease under which this row was written (0: no lease). */
  fence: number;
}

export async function saveEscalation(store: Pick<Store, 'insertJson'>, e: EscalationRow, now: number): Promise<void> {
  await store.insertJson('micro_escalations', [
    {
      Namespace: e.namespace,
      AlertKey: e.alertKey,
      FiredAt: dateTime64Text(e.firedAt),
      Version: nextVersion(now),
      Policy: e.policy,
      StartedAt: dateTime64Text(e.startedAt),
      StoppedAt: dateTime64Text(e.stoppedAt),
      StopReason: e.stopReason,
      ResolvedAt: dateTime64Text(e.resolvedAt),
      Labels: e.labels,
      Notice: e.notice,
    },
  ]);
}

/** Escalations still running, and those stopped since `stoppedSince` (their RESOLVED may be due). */
export async function loadEscalations(
  store: Pick<Store, 'query'>,
  namespace: string,
  stoppedSince: number,
): Promise<EscalationRow[]> {
  const rows = await store.query<{
    alertKey: string;
    firedAt: string;
    policy: string;
    startedAt: string;
    stoppedAt: string;
    stopReason: string;
    resolvedAt: string;
    labels: Record<string, string>;
    notice: string;
  }>(
    `SELECT AlertKey AS alertKey, toString(toUnixTimestamp64Milli(FiredAt)) AS firedAt, argMax(Policy, Version) AS policy,
       toString(toUnixTimestamp64Milli(argMax(StartedAt, Version))) AS startedAt, toString(toUnixTimestamp64Milli(argMax(StoppedAt, Version))) AS stoppedAt,
       argMax(StopReason, Version) AS stopReason, toString(toUnixTimestamp64Milli(argMax(ResolvedAt, Version))) AS resolvedAt, argMax(Labels, Version) AS labels, argMax(Notice, Version) AS notice
     FROM micro_escalations WHERE Namespace = {ns:String}
     GROUP BY AlertKey, FiredAt
     HAVING stoppedAt = '0' OR toUInt64(stoppedAt) >= {since:UInt64}`,
    { ns: namespace, since: stoppedSince },
  );
  return rows.map((r) => ({
    namespace,
    alertKey: r.alertKey,
    firedAt: Number(r.firedAt),
    policy: r.policy,
    startedAt: Number(r.startedAt),
    stoppedAt: Number(r.stoppedAt),
    stopReason: r.stopReason,
    resolvedAt: Number(r.resolvedAt),
    labels: r.labels,
    notice: r.notice,
  }));
}

export async function appendNotifications(store: Pick<Store, 'insertJson'>, rows: NotificationRow[]): Promise<void> {
  if (rows.length === 0) return;
  await store.insertJson(
    'micro_notifications',
    rows.map((n) => ({
      Namespace: n.namespace,
      Id: n.id,
      At: dateTime64Text(n.at),
      Seq: nextVersion(),
      AlertKey: n.alertKey,
      FiredAt: dateTime64Text(n.firedAt),
      Kind: n.kind,
      Channel: n.channel,
      Recipient: n.recipient,
      Contact: n.contact,
      Address: n.address,
      Step: n.step,
      Pass: n.pass,
      Status: n.status,
      Attempt: n.attempt,
      Error: n.error,
      DueAt: dateTime64Text(n.dueAt),
      NextAttemptAt: dateTime64Text(n.nextAttemptAt),
      Fence: n.fence,
    })),
  );
}

const NOTIFICATION_COLUMNS = `Id AS id, toString(toUnixTimestamp64Milli(At)) AS at, AlertKey AS alertKey, toString(toUnixTimestamp64Milli(FiredAt)) AS firedAt,
  Kind AS kind, Channel AS channel, Recipient AS recipient, Contact AS contact, Address AS address, Step AS step, Pass AS pass, Status AS status,
  Attempt AS attempt, Error AS error, toString(toUnixTimestamp64Milli(DueAt)) AS dueAt, toString(toUnixTimestamp64Milli(NextAttemptAt)) AS nextAttemptAt, toString(Fence) AS fence`;

type RawNotification = Omit<NotificationRow, 'namespace' | 'at' | 'firedAt' | 'dueAt' | 'nextAttemptAt' | 'fence'> & {
  fence: string;
  at: string;
  firedAt: string;
  dueAt: string;
  nextAttemptAt: string;
};

const fromRaw = (namespace: string, r: RawNotification): NotificationRow => ({
  ...r,
  namespace,
  at: Number(r.at),
  firedAt: Number(r.firedAt),
  dueAt: Number(r.dueAt),
  nextAttemptAt: Number(r.nextAttemptAt),
  step: Number(r.step),
  pass: Number(r.pass),
  attempt: Number(r.attempt),
  fence: Number(r.fence),
});

/** The latest row of every notification of the given episodes. */
export async function latestNotifications(
  store: Pick<Store, 'query'>,
  namespace: string,
  episodes: Array<{ alertKey: string; firedAt: number }>,
): Promise<NotificationRow[]> {
  if (episodes.length === 0) return [];
  const rows = await store.query<RawNotification>(
    `SELECT ${NOTIFICATION_COLUMNS} FROM micro_notifications
     WHERE Namespace = {ns:String} AND has({keys:Array(String)}, AlertKey)
     ORDER BY Id, Seq DESC LIMIT 1 BY Id`,
    { ns: namespace, keys: [...new Set(episodes.map((e) => e.alertKey))] },
  );
  const wanted = new Set(episodes.map((e) => `${e.alertKey}\u0000${e.firedAt}`));
  return rows.map((r) => fromRaw(namespace, r)).filter((r) => wanted.has(`${r.alertKey}\u0000${r.firedAt}`));
}

/** Every recorded change of the notifications of one alert, newest first (its history). */
export async function notificationHistory(
  store: Pick<Store, 'query'>,
  namespace: string,
  alertKey: string,
  limit = 200,
): Promise<NotificationRow[]> {
  const rows = await store.query<RawNotification>(
    `SELECT ${NOTIFICATION_COLUMNS} FROM micro_notifications WHERE Namespace = {ns:String} AND AlertKey = {key:String}
     ORDER BY Seq DESC LIMIT {limit:UInt32}`,
    { ns: namespace, key: alertKey, limit },
  );
  return rows.map((r) => fromRaw(namespace, r));
}
