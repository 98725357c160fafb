// The span table's parts (migration 25): an insert is a compact part, one data file, and a merge of
// 64k rows or more makes a wide part, which the engine merges column by column. Embedded engine.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeTraces } from '../bench/index.js';
import { RowBinaryWriter, mergeParts, openStore, type Store } from '../store/index.js';
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

// Yesterday around noon (UTC): both inserts' spans fall in one day's partition, so they can merge.
const DAY_MS = DAY * 1000;
const FROM_MS = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS / 2;

/** 4,000 traces of 10 spans (bench data, in the collector's layout) over one minute. */
function spans(): Buffer {
  const w = new RowBinaryWriter();
  writeTraces(w, 4_000, FROM_MS, FROM_MS + 60_000, []);
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
  assert.deepEqual(await store.insertRowBinary('otel_traces', spans()), { status: 'success' });
  assert.deepEqual(await parts(), [['Compact', 40_000]]);
  assert.deepEqual(await store.insertRowBinary('otel_traces', spans()), { status: 'success' });
  await mergeParts(store, 'otel_traces');
  assert.deepEqual(await parts(), [['Wide', 80_000]]);
  const [count] = await store.query<{ n: string }>('SELECT count() n FROM otel_traces');
  assert.equal(Number(count?.n), 80_000);
});
