// Which window a stats read covers: short windows are read raw and as asked; longer ones at minute
// resolution from the rollups, widened to whole minutes, and to the end of the hour when they end now.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROLLUP_FROM_MS, rateSeconds, readWindow, stepFor } from '../store/index.js';

const at = (hhmmss: string) => Date.parse(`2026-11-27T${hhmmss}Z`);

test('a window shorter than the threshold is read raw, exactly as asked', () => {
  const range = { fromMs: at('12:00:30'), toMs: at('12:00:30') + ROLLUP_FROM_MS - 1 };
  assert.deepEqual(readWindow(range, 'auto', at('13:00:00')), { range, rollup: false });
  assert.deepEqual(readWindow(range, 'raw', at('13:00:00')), { range, rollup: false });
});

test('a past window is widened to whole minutes, its rate taken up to its requested end', () => {
  const range = { fromMs: at('10:03:17'), toMs: at('11:47:05') };
  const read = readWindow(range, 'auto', at('13:00:00'));
  assert.deepEqual(read, { range: { fromMs: at('10:03:00'), toMs: at('11:48:00') }, rollup: true });
  assert.equal(rateSeconds(range, read), (at('11:47:05') - at('10:03:00')) / 1000);
});

test('a window that ends now is widened to the end of its hour (the hourly row of the current hour is live)', () => {
  const now = at('12:05:09');
  const read = readWindow({ fromMs: now - 15 * 60_000, toMs: now }, 'auto', now);
  assert.deepEqual(read.range, { fromMs: at('11:50:00'), toMs: at('13:00:00') });
  // Seconds stop at now, not at the end of the hour.
  assert.equal(rateSeconds({ fromMs: now - 15 * 60_000, toMs: now }, read), (now - at('11:50:00')) / 1000);
});

test('forcing the rollup widens even a short window', () => {
  const read = readWindow({ fromMs: at('12:00:30'), toMs: at('12:00:40') }, 'rollup', at('13:00:00'));
  assert.deepEqual(read, { range: { fromMs: at('12:00:00'), toMs: at('12:01:00') }, rollup: true });
});

test('charts of an hour or more are stepped in whole minutes, so the rollups answer them', () => {
  const last = (ms: number) => ({ fromMs: at('12:00:00') - ms, toMs: at('12:00:00') });
  assert.equal(stepFor(last(15 * 60_000)), 10_000);
  assert.equal(stepFor(last(59 * 60_000)), 30_000);
  assert.equal(stepFor(last(3600_000)), 60_000);
  assert.equal(stepFor(last(3 * 3600_000)), 120_000);
  assert.equal(stepFor(last(24 * 3600_000)), 900_000);
});
