// Group commit: after an insert, the next batch waits (at most the linger) for the requests its
// acknowledgement releases, so those senders' rows join it; a full batch and a drain wait for nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCollectorMetrics, createPipeline } from '../collector/index.js';
import { bytesOf, held, request, slowStore } from './support/pipeline.js';

const options = { batchRows: 50_000, batchBytes: 32 << 20, flushIntervalMs: 5, maxQueueBytes: 64 << 20 };

/**
 * Sender A's request is stored first; B's waits while A's insert runs; A sends C the moment it is
 * acknowledged. Returns the byte sizes of the inserts and of the three requests.
 */
async function ackReleasesSender(lingerMs: number, batchRows = options.batchRows) {
  const store = slowStore(40);
  const pipeline = createPipeline(
    store,
    { ...options, batchRows, maxInflightPerTable: 1, lingerMs },
    createCollectorMetrics(),
  );
  const [a, b, c] = [request(10), request(20), request(30)];
  const sent = [
    pipeline.submit(a).then(async (o) => {
      assert.equal(o.status, 'success');
      return pipeline.submit(c);
    }),
    new Promise((r) => setTimeout(r, 15)).then(() => pipeline.submit(b)),
  ];
  for (const o of await Promise.all(sent)) assert.equal(o.status, 'success');
  await pipeline.drain();
  return { inserts: store.inserts, a: bytesOf(a), b: bytesOf(b), c: bytesOf(c) };
}

test('after an insert, the next batch waits the linger: the acknowledged sender joins it', async () => {
  const { inserts, a, b, c } = await held(() => ackReleasesSender(25));
  assert.deepEqual(inserts, [a, b + c]);
});

test('the batch is stored once the acknowledged senders are back, not at the end of the linger', async () => {
  const started = performance.now();
  const { inserts, a, b, c } = await held(() => ackReleasesSender(60_000));
  assert.deepEqual(inserts, [a, b + c]);
  assert.ok(performance.now() - started < 30_000, 'the linger ended when as many rows as the insert stored were back');
});

test('without a linger, the acknowledged sender waits for an insert of its own', async () => {
  const { inserts, a, b, c } = await held(() => ackReleasesSender(0));
  assert.deepEqual(inserts, [a, b, c]);
});

test('a full batch is stored at once, linger or not', async () => {
  const { inserts, a, b, c } = await held(() => ackReleasesSender(25, 20));
  assert.deepEqual(inserts, [a, b, c]);
});

test('a drain stores a lingering batch at once', () =>
  held(async () => {
    const store = slowStore(30);
    const pipeline = createPipeline(
      store,
      { ...options, maxInflightPerTable: 1, lingerMs: 60_000 },
      createCollectorMetrics(),
    );
    const first = pipeline.submit(request(5));
    await new Promise((r) => setTimeout(r, 15));
    const second = pipeline.submit(request(5));
    assert.equal((await first).status, 'success');
    const started = performance.now();
    await pipeline.drain();
    assert.equal((await second).status, 'success');
    assert.equal(store.inserts.length, 2);
    assert.ok(performance.now() - started < 5_000, 'the drain did not wait the linger');
  }));

test('when every sender waited for the insert, the next batch is stored as soon as they are all back', () =>
  held(async () => {
    // Nothing is open when the insert ends (a closed loop of senders): without the linger's row
    // target, their next requests would wait for the whole flush interval.
    const [a, b] = [request(10, 'x'.repeat(2000)), request(10, 'x'.repeat(2000))];
    const [c, d] = [request(15), request(15)];
    const store = slowStore(20);
    const pipeline = createPipeline(
      store,
      // The first batch is sealed by its bytes; the second holds more rows in fewer bytes.
      {
        ...options,
        batchBytes: bytesOf(a) + bytesOf(b),
        flushIntervalMs: 60_000,
        maxInflightPerTable: 1,
        lingerMs: 60_000,
      },
      createCollectorMetrics(),
    );
    const started = performance.now();
    const sent = [a, b].map((first, i) =>
      pipeline.submit(first).then((o) => {
        assert.equal(o.status, 'success');
        return pipeline.submit([c, d][i]!);
      }),
    );
    for (const o of await Promise.all(sent)) assert.equal(o.status, 'success');
    assert.deepEqual(store.inserts, [bytesOf(a) + bytesOf(b), bytesOf(c) + bytesOf(d)]);
    assert.ok(performance.now() - started < 30_000, 'the batch did not wait for the flush interval');
    await pipeline.drain();
  }));
