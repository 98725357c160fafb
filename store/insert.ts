// One insert strategy per connection (the README's store section): chDB reads RowBinary from a file on
// tmpfs, because inline data ends at the first blank line and binary data holds that byte pair;
// a ClickHouse server takes the same bytes as an HTTP request body.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { classifyStoreError, type StoreProblem } from './errors.js';
import type { Lane } from './lanes.js';
import { columnList, structure, type TableLayout } from './tables.js';

export type InsertOutcome =
  | { status: 'success' }
  | { status: 'retryable'; retryInMillis: number; error: string; problem: StoreProblem }
  | { status: 'failure'; error: string };

/**
 * `dedupToken`: the same token inserted again is stored once (ClickHouse's insert deduplication;
 * the otel_metrics tables keep a window of recent tokens): a sender's retry of a request that was
 * stored but not answered (a crash in between) adds nothing.
 */
export type InsertRowBinary = (
  layout: TableLayout,
  rows: RowBinaryBytes,
  dedupToken?: string,
) => Promise<InsertOutcome>;

/**
 * RowBinary rows, in one buffer or in consecutive chunks (a batch of requests' rows, written as
 * they are rather than joined into a copy first).
 */
export type RowBinaryBytes = Buffer | readonly Buffer[];

const chunksOf = (rows: RowBinaryBytes): readonly Buffer[] => (Buffer.isBuffer(rows) ? [rows] : rows);

/** How many bytes the rows take, in one buffer or in chunks. */
export const rowBinaryLength = (rows: RowBinaryBytes): number =>
  chunksOf(rows).reduce((n, chunk) => n + chunk.length, 0);

/** Writes the rows to a new file readable by its owner only, in one `writev`. */
async function writeRows(file: string, rows: RowBinaryBytes): Promise<void> {
  const chunks = chunksOf(rows);
  const handle = await open(file, 'wx', 0o600);
  try {
    const { bytesWritten } = await handle.writev(chunks);
    // A write cut short (tmpfs full) ends without an error: the insert must not read a part of the rows.
    const expected = rowBinaryLength(chunks);
    if (bytesWritten !== expected) {
      const message = `the scratch file took ${bytesWritten} of ${expected} bytes (is ${path.dirname(file)} full?)`;
      throw Object.assign(new Error(message), { code: 'ENOSPC' });
    }
  } finally {
    await handle.close();
  }
}

const tokenSetting = (token: string | undefined): string => {
  if (token === undefined) return '';
  if (!/^[0-9a-zA-Z:_-]{1,128}$/.test(token))
    throw new Error('a deduplication token is letters, digits and : _ - only');
  return ` SETTINGS insert_deduplication_token = '${token}'`;
};

const RETRY_MS = 1000;

export function outcomeOf(err: unknown): InsertOutcome {
  const f = classifyStoreError(err);
  return f.transient
    ? { status: 'retryable', retryInMillis: RETRY_MS, error: f.message, problem: f.problem }
    : { status: 'failure', error: f.message };
}

function scratchDir(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** A SQL string literal of text we generated ourselves, refused if it holds anything unexpected. */
function ownLiteral(v: string): string {
  if (!/^[\w/.,`() -]+$/.test(v)) throw new Error(`refusing to inline ${JSON.stringify(v)} into SQL`);
  return `'${v}'`;
}

/**
 * Scratch files hold telemetry: they live in a directory of this process's own, readable by its
 * owner only (mkdtemp makes it 0700; files are 0600), removed when the store closes.
 */
export function embeddedInserter(writes: Lane): { insert: InsertRowBinary; dispose(): void } {
  const dir = mkdtempSync(path.join(scratchDir(), `micro-${process.pid}-`));
  const prefix = randomBytes(4).toString('hex');
  let seq = 0;
  const insert: InsertRowBinary = async (layout, rows, dedupToken) => {
    const file = path.join(dir, `${prefix}-${seq++}.bin`);
    try {
      await writeRows(file, rows);
      // Not parameterised on purpose: chDB runs every parameterised statement of the process
      // one at a time (a guard against a libchdb race), so a parameterised insert would queue with
      // everything else bound by the engine. The path and structure are our own, checked by ownLiteral.
      const query = `INSERT INTO ${layout.table} (${columnList(layout)}) SELECT * FROM file(${ownLiteral(file)}, RowBinary, ${ownLiteral(structure(layout))})${tokenSetting(dedupToken)}`;
      await writes.run((c) => c.command({ query }));
      return { status: 'success' };
    } catch (err) {
      return outcomeOf(err);
    } finally {
      await unlink(file).catch(() => undefined);
    }
  };
  return { insert, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function serverInserter(client: ClickHouseClient): InsertRowBinary {
  return async (layout, rows, dedupToken) => {
    try {
      tokenSetting(dedupToken);
      const result = await client.exec({
        query: `INSERT INTO ${layout.table} (${columnList(layout)}) FORMAT RowBinary`,
        values: Readable.from(chunksOf(rows)),
        ...(dedupToken ? { clickhouse_settings: { insert_deduplication_token: dedupToken } } : {}),
      });
      result.stream.resume();
      await new Promise<void>((resolve, reject) => {
        result.stream.on('end', resolve);
        result.stream.on('error', reject);
      });
      return { status: 'success' };
    } catch (err) {
      return outcomeOf(err);
    }
  };
}
