// Heartbeat pings: stored before they are acknowledged, read back at start.
import { dateTime64Text } from './datetime.js';
import type { Store } from './store.js';

export async function recordPing(
  store: Pick<Store, 'insertJson'>,
  namespace: string,
  name: string,
  at: number,
): Promise<void> {
  await store.insertJson('micro_heartbeat_pings', [{ Namespace: namespace, Name: name, At: dateTime64Text(at) }]);
}

export async function lastPings(store: Pick<Store, 'query'>, namespace: string): Promise<Map<string, number>> {
  const rows = await store.query<{ name: string; at: string }>(
    'SELECT Name AS name, toString(toUnixTimestamp64Milli(max(At))) AS at FROM micro_heartbeat_pings WHERE Namespace = {ns:String} GROUP BY Name',
    { ns: namespace },
  );
  return new Map(rows.map((r) => [r.name, Number(r.at)]));
}
