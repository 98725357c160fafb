/** A time as ClickHouse's DateTime64(3) text ("2026-11-23 12:00:00.000", UTC), for JSONEachRow inserts. */
export const dateTime64Text = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
