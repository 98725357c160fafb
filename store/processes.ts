// Alerting processes say they are alive, so that two of them never both page from one store
// without a lease between them.
import { dateTime64Text } from './datetime.js';
import type { Store } from './store.js';

/** How an alerting process shares its store: alone, or through Keeper's leases. */
export type Coordination = 'alone' | 'keeper';

export interface AlertingProcessSeen {
  instance: string;
  coordination: Coordination;
  lastSeen: number;
}

export async function markAlertingProcess(
  store: Pick<Store, 'insertJson'>,
  instance: string,
  coordination: Coordination,
  at: number,
): Promise<void> {
  await store.insertJson('micro_alerting_processes', [
    { Instance: instance, Coordination: coordination, At: dateTime64Text(at) },
  ]);
}

/** Other alerting processes seen since `since`. */
export async function otherAlertingProcesses(
  store: Pick<Store, 'query'>,
  instance: string,
  since: number,
): Promise<AlertingProcessSeen[]> {
  const rows = await store.query<{ instance: string; coordination: Coordination; lastSeen: string }>(
    `SELECT Instance AS instance, argMax(Coordination, At) AS coordination, toString(toUnixTimestamp64Milli(max(At))) AS lastSeen
     FROM micro_alerting_processes WHERE Instance != {instance:String} AND At >= fromUnixTimestamp64Milli({since:Int64})
     GROUP BY Instance ORDER BY Instance`,
    { instance, since },
  );
  return rows.map((r) => ({ ...r, lastSeen: Number(r.lastSeen) }));
}
