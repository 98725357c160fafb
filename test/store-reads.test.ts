// The embedded store's reads: parameters bound in this process keep every value a value, and
// reads run side by side on connections of their own (store/connection.ts, store/lanes.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../store/index.js';
import { makeDataDir, removeDataDir } from './support/server.js';

let store: Store;
let dataDir: string;

before(async () => {
  dataDir = makeDataDir();
  store = await openStore({ kind: 'embedded', dataDir });
  await store.prepare({ traces: 86400, logs: 86400, metrics: 86400 });
});

after(async () => {
  await store.close();
  await removeDataDir(dataDir);
});

const HOSTILE = [
  '',
  "it's",
  "'; DROP TABLE otel_traces; --",
  'back\\slash at the end\\',
  "\\'",
  'a\nnew line, a\ttab, a\rreturn',
  'nul \u0000 and bell \u0007',
  'placeholder {v:String} inside',
  '¿ünïcødé? 日本語 🚀',
  'x'.repeat(100_000),
];

test('a string parameter comes back exactly as given, whatever it holds', async () => {
  for (const v of HOSTILE) {
    const [row] = await store.query<{ v: string; n: string }>('SELECT {v:String} AS v, length({v:String}) AS n', {
      v,
    });
    assert.equal(row?.v, v);
    assert.equal(Number(row?.n), Buffer.byteLength(v));
  }
});

test('a value holding placeholder text is not bound again', async () => {
  const [row] = await store.query<{ a: string; b: string }>('SELECT {a:String} AS a, {b:String} AS b', {
    a: '{b:String}',
    b: "'",
  });
  assert.deepEqual(row, { a: '{b:String}', b: "'" });
});

test('numbers and arrays keep their declared types', async () => {
  const [row] = await store.query<Record<string, unknown>>(
    `SELECT {i:Int64} AS i, toTypeName({i:Int64}) AS it, toString({s:Int64}) AS s, {u:UInt32} AS u, toTypeName({u:UInt32}) AS ut,
       {f:Float64} AS f, {names:Array(String)} AS names, toTypeName({none:Array(String)}) AS nt,
       'b' IN {names:Array(String)} AS inNames`,
    { i: -1_700_000_000_123, s: '9007199254740993', u: 7, f: 0.25, names: ['a', "b'", 'b'], none: [] },
  );
  assert.deepEqual(row, {
    i: -1_700_000_000_123,
    it: 'Int64',
    s: '9007199254740993',
    u: 7,
    ut: 'UInt32',
    f: 0.25,
    names: ['a', "b'", 'b'],
    nt: 'Array(String)',
    inNames: 1,
  });
});

test('a parameter without a value is refused, naming it', async () => {
  await assert.rejects(store.query('SELECT {missing:String} AS m', {}), (err: Error & { problem?: string }) => {
    assert.equal(err.problem, 'rejected');
    assert.match(err.message, /missing \(String\) has no value/);
    return true;
  });
});

test('a read runs while another is still running', async () => {
  // With one connection the second read waited for the first, and would not have seen it running.
  const slow = store.query('SELECT sleep(1) AS s, {tag:String} AS tag', { tag: 'store-reads-marker' });
  let seen = 0;
  for (let i = 0; i < 20 && seen === 0; i++) {
    const [row] = await store.query<{ n: string }>(
      "SELECT count() AS n FROM system.processes WHERE query LIKE {p:String} AND query NOT LIKE '%system.processes%'",
      { p: '%store-reads-marker%' },
    );
    seen = Number(row?.n);
    if (seen === 0) await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(seen, 1, 'the second read saw the first one running');
  await slow;
});
