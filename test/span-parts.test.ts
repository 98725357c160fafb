// The span table's parts (migration 25): an insert is a compact part, one data file, and a merge of
// 64k rows or more makes a wide part, which the engine merges column by column. Embedded engine.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { EMPTY_MAP, RowBinaryWriter, mergeParts, openStore, type Store } from '../store/index.js';
import { makeDataDir, removeDataDir } from './support/server.js';

const DAY = 86400;
let store: Store;
let dataDir: string;

before(async () => {
  dataDir = makeDataDir();
  store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare({ traces: 7 * DAY, logs: 7 * DAY, metrics: 30 * DAY });
});
after(async () => {
  await store.close();
  await removeDataDir(dataDir);
});

// One start for both inserts, so their spans share a day's partition and can merge.
const START_NS = BigInt(Date.now() - 600_000) * 1_000_000n;

/** `count` spans of traces of 100 spans each, as the collector writes them. */
function spans(count: number): Buffer {
  const w = new RowBinaryWriter();
  let traceId = '';
  for (let i = 0; i < count; i++) {
    if (i % 100 === 0) traceId = randomBytes(16).toString('hex');
    const ns = START_NS + BigInt(i) * 1000n;
    w.u64parts(Number(ns & 0xffffffffn), Number(ns >> 32n));
    w.str(traceId);
    w.str(randomBytes(8).toString('hex')); // SpanId
    w.str(''); // ParentSpanId
    w.str(''); // TraceState
    w.str(`GET /items/${i % 7}`);
    w.str('Server');
    w.str('parts');
    w.raw(EMPTY_MAP); // ResourceAttributes
    w.str(''); // ScopeName
    w.str(''); // ScopeVersion
    w.varint(1); // SpanAttributes: one pair
    w.str('http.url');
    w.str(`/items/${i}`);
    w.u64(1000 + (i % 97));
    w.str('Unset');
    w.str('');
    for (let k = 0; k < 7; k++) w.varint(0); // events and links
    w.str('default');
    w.rows++;
  }
  return Buffer.from(w.bytes());
}

interface PartRow {
  part_type: string;
  rows: string;
}

const activeParts = (): Promise<PartRow[]> =>
  store.query<PartRow>(
    "SELECT part_type, rows FROM system.parts WHERE database = currentDatabase() AND table = 'otel_traces' AND active ORDER BY rows",
  );

test('span inserts are compact parts and a merge of 64k rows or more is a wide one', async () => {
  const parts = async () => (await activeParts()).map((p) => [p.part_type, Number(p.rows)]);
  assert.deepEqual(await store.insertRowBinary('otel_traces', spans(40_000)), { status: 'success' });
  assert.deepEqual(await parts(), [['Compact', 40_000]]);
  assert.deepEqual(await store.insertRowBinary('otel_traces', spans(40_000)), { status: 'success' });
  await mergeParts(store, 'otel_traces');
  assert.deepEqual(await parts(), [['Wide', 80_000]]);
  const [count] = await store.query<{ n: string }>("SELECT count() n FROM otel_traces WHERE ServiceName = 'parts'");
  assert.equal(Number(count?.n), 80_000);
});
