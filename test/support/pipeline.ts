// Requests and stores for the pipeline's tests: real decoded rows, and a store whose inserts take time.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RequestRows, decodeTracesProto } from '../../collector/index.js';
import { rowBinaryLength, type InsertOutcome, type RowBinaryBytes, type TableName } from '../../store/index.js';
import { encodeTraces, kv, nanos } from './otlp-proto.js';

/** One request's rows: `spans` spans of one trace. */
export function request(spans: number, name = 'GET /cart'): RequestRows {
  const traceId = randomBytes(16);
  const body = encodeTraces({
    resource_spans: [
      {
        resource: { attributes: [kv('service.name', 'checkout')] },
        scope_spans: [
          {
            scope: { name: 'test' },
            spans: Array.from({ length: spans }, (_, i) => ({
              trace_id: traceId,
              span_id: randomBytes(8),
              name,
              kind: 2,
              start_time_unix_nano: nanos(i * 1000),
              end_time_unix_nano: nanos(i * 1000 + 500_000),
            })),
          },
        ],
      },
    ],
  });
  const rows = new RequestRows();
  decodeTracesProto(body, 'default', rows);
  assert.equal(rows.accepted, spans);
  return rows;
}

/** A store whose inserts take `ms` each, recording the bytes of each one. */
export function slowStore(ms: number) {
  const inserts: number[] = [];
  return {
    inserts,
    insertRowBinary: async (_table: TableName, rows: RowBinaryBytes): Promise<InsertOutcome> => {
      inserts.push(rowBinaryLength(rows));
      await new Promise((r) => setTimeout(r, ms));
      return { status: 'success' };
    },
  };
}

/** The pipeline's timers do not hold the process open (the server's sockets do): this test's do. */
export async function held<T>(work: () => Promise<T>): Promise<T> {
  const open = setInterval(() => undefined, 1000);
  try {
    return await work();
  } finally {
    clearInterval(open);
  }
}

export const bytesOf = (rows: RequestRows): number => rows.writers.get('otel_traces')!.pos;
