// The write-ahead log: while a table's insert runs, a request is answered once its rows are in the
// log, stored with the next insert, kept through a failed insert, and stored by the next start when
// the process died first.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  writeAheadFailureReporter,
  type WriteAheadLog,
  createCollectorMetrics,
  createPipeline,
  layoutKey,
  openWriteAheadLog,
} from '../collector/index.js';
import { rowBinaryLength, type InsertOutcome, type RowBinaryBytes, type TableName } from '../store/index.js';
import { bytesOf, held, request } from './support/pipeline.js';
import { eventually } from './support/services.js';

const options = { batchRows: 50_000, batchBytes: 32 << 20, flushIntervalMs: 5, maxQueueBytes: 64 << 20 };

/** A store whose inserts take `ms` and answer `outcomes` in turn (then success), recording what each held. */
function scriptedStore(ms: number, outcomes: InsertOutcome[] = []) {
  const inserts: Array<{ table: TableName; bytes: number; outcome: InsertOutcome }> = [];
  return {
    inserts,
    stored: () => inserts.filter((i) => i.outcome.status === 'success').map((i) => i.bytes),
    insertRowBinary: async (table: TableName, rows: RowBinaryBytes): Promise<InsertOutcome> => {
      await new Promise((r) => setTimeout(r, ms));
      const outcome = outcomes.shift() ?? { status: 'success' };
      inserts.push({ table, bytes: rowBinaryLength(rows), outcome });
      return outcome;
    },
  };
}

function logDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'micro-wal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const files = (dir: string): string[] => readdirSync(dir).sort();

/** The log's files once its removals (not awaited by the pipeline) are done: within 2 s. */
async function logHolds(dir: string, expected: string[], message?: string): Promise<void> {
  const holds = (f: string[]) => f.join() === expected.join();
  const seen = await eventually('the log to hold its files', async () => files(dir), holds, 2000).catch(() =>
    files(dir),
  );
  assert.deepEqual(seen, expected, message);
}

/** A pipeline of one insert at a time, no linger, answering from `log` as soon as an insert runs. */
const logging = (
  store: ReturnType<typeof scriptedStore>,
  log: WriteAheadLog,
  { maxRows = 1000, fromRows = 0, onFailure = (_t: string, _r: number, _e: string) => {} } = {},
) =>
  createPipeline(
    store,
    { ...options, maxInflightPerTable: 1, lingerMs: 0, writeAhead: { log, maxRows, fromRows, onFailure } },
    createCollectorMetrics(),
  );

test('while an insert runs, a request is answered once logged, and stored with the next insert', (t) =>
  held(async () => {
    const dir = logDir(t);
    // An insert of 400 ms: answered well before it ends, even on a loaded machine.
    const store = scriptedStore(400);
    const pipeline = logging(store, openWriteAheadLog(dir));
    const [a, b, c] = [request(10), request(20), request(30)];
    const first = pipeline.submit(a);
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    const [ob, oc] = await Promise.all([pipeline.submit(b), pipeline.submit(c)]);
    assert.deepEqual([ob.status, oc.status], ['success', 'success']);
    assert.ok(performance.now() - started < 300, 'answered before the running insert ended');
    assert.deepEqual(store.inserts, [], 'nothing stored yet');
    assert.equal(files(dir).length, 2, 'each answered request is a file in the log');
    assert.ok(files(dir).every((f) => f.startsWith(`otel_traces.${layoutKey('otel_traces')}.`)));
    assert.equal((await first).status, 'success');
    await pipeline.drain();
    assert.deepEqual(store.stored(), [bytesOf(a), bytesOf(b) + bytesOf(c)], 'b and c in one insert');
    await logHolds(dir, [], 'stored: the log forgot them');
  }));

test('past its rows the log takes no more: the request waits for its own insert', (t) =>
  held(async () => {
    const dir = logDir(t);
    const store = scriptedStore(100);
    const log = openWriteAheadLog(dir);
    const pipeline = logging(store, log, { maxRows: 25 });
    const first = pipeline.submit(request(10));
    await new Promise((r) => setTimeout(r, 20));
    const logged = pipeline.submit(request(20));
    const waits = pipeline.submit(request(20)); // 40 rows would pass the log's 25
    assert.equal((await logged).status, 'success');
    assert.equal(store.inserts.length, 0);
    assert.equal(files(dir).length, 1, 'only the first of the two was logged');
    assert.equal((await waits).status, 'success');
    assert.ok(store.inserts.length >= 2, 'answered after its insert');
    await first;
    await pipeline.drain();
  }));

test('under a light load (a running insert below its rows) a request waits for its own insert', (t) =>
  held(async () => {
    const dir = logDir(t);
    const store = scriptedStore(100);
    const pipeline = logging(store, openWriteAheadLog(dir), { fromRows: 11 });
    const first = pipeline.submit(request(10));
    await new Promise((r) => setTimeout(r, 20));
    const second = pipeline.submit(request(20));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(files(dir), [], 'not logged: the running insert holds 10 rows');
    assert.equal((await second).status, 'success');
    assert.equal(store.inserts.length, 2, 'answered once its own insert was stored');
    await first;
    await pipeline.drain();
  }));

test('after a heavy insert, what its senders send while the next batch waits for them is logged', (t) =>
  held(async () => {
    // Every sender waited for that insert: answered only by the next one, they would all wait for
    // it again, in lockstep, and the engine would idle between inserts.
    const lingering = (fromRows: number) => {
      const dir = logDir(t);
      const store = scriptedStore(30);
      const writeAhead = { log: openWriteAheadLog(dir), maxRows: 1000, fromRows };
      const opts = { ...options, maxInflightPerTable: 1, lingerMs: 800, writeAhead };
      return { dir, store, pipeline: createPipeline(store, opts, createCollectorMetrics()) };
    };
    const heavy = lingering(10);
    assert.equal((await heavy.pipeline.submit(request(10))).status, 'success', 'its own insert: nothing ran');
    const started = performance.now();
    assert.equal((await heavy.pipeline.submit(request(4))).status, 'success');
    assert.ok(performance.now() - started < 600, 'answered once logged, before the wait ended');
    assert.equal(heavy.store.inserts.length, 1, 'not stored yet');
    assert.equal(files(heavy.dir).length, 1, 'logged');
    await heavy.pipeline.drain();
    assert.equal(heavy.store.stored().length, 2);

    const light = lingering(11); // an insert of 10 rows is a light load: the request waits for its own
    assert.equal((await light.pipeline.submit(request(10))).status, 'success');
    assert.equal((await light.pipeline.submit(request(4))).status, 'success');
    assert.equal(light.store.inserts.length, 2, 'answered once stored');
    assert.deepEqual(files(light.dir), [], 'never logged');
    await light.pipeline.drain();
  }));

test('a request that found the log full is logged once an insert frees room, before its own insert', (t) =>
  held(async () => {
    // Waiting for its own insert would hold its sender through the insert queued ahead of it too.
    const dir = logDir(t);
    const store = scriptedStore(100);
    const log = openWriteAheadLog(dir);
    const pipeline = createPipeline(
      store,
      { ...options, batchRows: 20, maxInflightPerTable: 1, lingerMs: 0, writeAhead: { log, maxRows: 25, fromRows: 0 } },
      createCollectorMetrics(),
    );
    const first = pipeline.submit(request(20)); // stored at once: nothing runs
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await pipeline.submit(request(20))).status, 'success', 'logged while the first insert runs');
    const full = await pipeline.submit(request(20)); // 40 rows would pass the log's 25
    assert.equal(full.status, 'success');
    assert.equal(store.inserts.length, 2, 'answered when the second insert freed the log, before its own');
    assert.ok(files(dir).length >= 1, 'the third request is in the log');
    await first;
    await pipeline.drain();
    assert.equal(store.stored().length, 3);
    await logHolds(dir, []);
  }));

test('a failed insert keeps the logged rows: they are stored when the store takes them again', (t) =>
  held(async () => {
    const dir = logDir(t);
    const refused: InsertOutcome = { status: 'retryable', retryInMillis: 50, error: 'down', problem: 'unreachable' };
    // The first insert goes through; the one holding the logged request fails twice.
    const store = scriptedStore(60, [{ status: 'success' }, refused, refused]);
    const failures: Array<[string, number, string]> = [];
    const onFailure = (table: string, rows: number, error: string) => failures.push([table, rows, error]);
    const pipeline = logging(store, openWriteAheadLog(dir), { onFailure });
    const [a, b] = [request(10), request(20)];
    const first = pipeline.submit(a);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await pipeline.submit(b)).status, 'success', 'answered once logged');
    assert.equal((await first).status, 'success');
    while (store.stored().length < 2) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(store.stored(), [bytesOf(a), bytesOf(b)]);
    assert.equal(store.inserts.length, 4, 'one success, two refusals, then stored');
    const told: [string, number, string] = ['otel_traces', 20, 'down'];
    assert.deepEqual(failures, [told, told], 'each failure of the logged rows is told');
    await pipeline.drain();
    await logHolds(dir, []);
  }));

test('a request writing two tables is logged for both or neither, so a failure is retried here, not resent', (t) =>
  held(async () => {
    const dir = logDir(t);
    // Spans take 400 ms an insert; the first insert of the other table fails once.
    const refused: InsertOutcome = { status: 'retryable', retryInMillis: 50, error: 'down', problem: 'unreachable' };
    const outcomes: Partial<Record<TableName, InsertOutcome[]>> = { otel_logs: [refused] };
    const stored: Array<[TableName, number]> = [];
    const store = {
      insertRowBinary: async (table: TableName, rows: RowBinaryBytes): Promise<InsertOutcome> => {
        await new Promise((r) => setTimeout(r, table === 'otel_traces' ? 400 : 5));
        const outcome = outcomes[table]?.shift() ?? { status: 'success' };
        if (outcome.status === 'success') stored.push([table, rowBinaryLength(rows)]);
        return outcome;
      },
    };
    const failures: string[] = [];
    const pipeline = logging(store as ReturnType<typeof scriptedStore>, openWriteAheadLog(dir), {
      onFailure: (table) => failures.push(table),
    });
    const first = pipeline.submit(request(10));
    await new Promise((r) => setTimeout(r, 20));
    // Two tables: spans (whose insert is running) and a second table (idle), as a metric export writes three.
    const both = request(20);
    const second = request(5).writers.get('otel_traces')!;
    both.writers.set('otel_logs', second);
    const started = performance.now();
    assert.equal((await pipeline.submit(both)).status, 'success');
    assert.ok(performance.now() - started < 300, 'answered once logged, before the spans insert ended');
    assert.equal(files(dir).length, 2, 'both tables logged');
    assert.equal((await first).status, 'success');
    await pipeline.drain();
    assert.deepEqual(failures, ['otel_logs'], 'the idle table failed once and was tried again');
    assert.deepEqual(
      stored.filter(([table]) => table === 'otel_logs'),
      [['otel_logs', second.pos]],
      'stored once',
    );
    await logHolds(dir, []);
  }));

test('the next start stores what a killed run logged; half-written and foreign files are not inserted', (t) =>
  held(async () => {
    const dir = logDir(t);
    // A run that logged two requests and died before storing them (nothing removes their files).
    const before = openWriteAheadLog(dir);
    const [a, b] = [request(10), request(20)];
    for (const r of [a, b]) {
      const w = r.writers.get('otel_traces')!;
      assert.ok(await before.write('otel_traces', w.rows, w.bytes()));
    }
    writeFileSync(path.join(dir, 'otel_traces.0123456789ab.5.dead-0.rows'), 'rows of older columns');
    writeFileSync(path.join(dir, `otel_traces.${layoutKey('otel_traces')}.5.dead-1.rows.tmp`), 'half');
    const store = scriptedStore(5);
    const pipeline = logging(store, openWriteAheadLog(dir));
    const recovered = await pipeline.recover();
    assert.deepEqual(recovered, { stored: 30, retrying: 0, foreign: ['otel_traces.0123456789ab.5.dead-0.rows'] });
    assert.deepEqual(store.stored(), [bytesOf(a) + bytesOf(b)]);
    await pipeline.drain();
    await logHolds(dir, ['otel_traces.0123456789ab.5.dead-0.rows'], 'the foreign file stays');
  }));

test('a drain with the store down leaves the logged rows in the log for the next start', (t) =>
  held(async () => {
    const dir = logDir(t);
    const down: InsertOutcome = { status: 'retryable', retryInMillis: 60_000, error: 'down', problem: 'unreachable' };
    const store = scriptedStore(60, [{ status: 'success' }, down, down]);
    const pipeline = logging(store, openWriteAheadLog(dir));
    const first = pipeline.submit(request(10));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await pipeline.submit(request(20))).status, 'success');
    await first;
    while (store.inserts.length < 2) await new Promise((r) => setTimeout(r, 10));
    const started = performance.now();
    await pipeline.drain(); // the retry waiting a minute is tried at once, fails, and stays logged
    assert.ok(performance.now() - started < 5_000);
    assert.equal(files(dir).length, 1);
    const next = logging(scriptedStore(5), openWriteAheadLog(dir));
    assert.equal((await next.recover()).stored, 20);
    await next.drain();
  }));

test('a failing logged batch is reported once a minute a table, with the attempts since the last line', () => {
  const lines: Array<Record<string, unknown>> = [];
  let clock = 0;
  const report = writeAheadFailureReporter(
    { error: (fields: Record<string, unknown>) => lines.push(fields) },
    () => clock,
  );
  for (let second = 0; second <= 120; second++) {
    clock = second * 1000;
    report('otel_traces', 20, 'down');
  }
  report('otel_logs', 5, 'down');
  const said = lines.map(({ table, failures }) => [table, failures]);
  assert.deepEqual(said, [
    ['otel_traces', 1],
    ['otel_traces', 60],
    ['otel_traces', 60],
    ['otel_logs', 1],
  ]);
});
