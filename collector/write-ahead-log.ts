// Requests acknowledged while their table's insert is still running are written here first, one file
// a request, so that a crash loses none of them: the next start stores what it finds. A file is
// written under a temporary name and renamed once whole, so a file with its final name is one the
// sender was told is kept; a temporary one never was, and is removed. Files are not fsync'd: as
// durable as the store's own parts, which ClickHouse writes without fsync by default
// (`fsync_after_insert`), so a kill -9 loses nothing and a power cut may, as it may in the store.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LAYOUTS, type TableName } from '../store/index.js';

/** One logged request's rows: its file, and how many rows it holds. */
export interface LoggedEntry {
  table: TableName;
  file: string;
  rows: number;
}

export interface WriteAheadLog {
  /** Writes one request's rows; null when it could not (the request then waits for its insert). */
  write(table: TableName, rows: number, bytes: Buffer): Promise<LoggedEntry | null>;
  /** The entries' rows are stored: their files go. */
  remove(entries: readonly LoggedEntry[]): Promise<void>;
  /** What an earlier run left: entries for today's tables, and files written for another layout. */
  leftovers(): { entries: LoggedEntry[]; foreign: string[] };
  read(entry: LoggedEntry): Promise<Buffer>;
}

/**
 * A table's columns, as a short key in every file's name: rows written for other columns (the
 * store migrated since) are kept aside, not inserted into a table they no longer fit.
 */
export function layoutKey(table: TableName): string {
  return createHash('sha256').update(JSON.stringify(LAYOUTS[table].columns)).digest('hex').slice(0, 12);
}

const NAME = /^(\w+)\.([0-9a-f]{12})\.(\d+)\.[0-9a-f]+-\d+\.rows$/;
const isTable = (name: string): name is TableName => Object.hasOwn(LAYOUTS, name);

export function openWriteAheadLog(dir: string): WriteAheadLog {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Partly written files of an earlier run were never acknowledged.
  for (const name of readdirSync(dir)) if (name.endsWith('.tmp')) rmSync(path.join(dir, name), { force: true });
  const run = randomBytes(4).toString('hex');
  const keys = new Map<TableName, string>();
  const keyOf = (table: TableName): string => {
    const known = keys.get(table);
    if (known) return known;
    const key = layoutKey(table);
    keys.set(table, key);
    return key;
  };
  let seq = 0;
  return {
    async write(table, rows, bytes) {
      const file = path.join(dir, `${table}.${keyOf(table)}.${rows}.${run}-${seq++}.rows`);
      const partial = `${file}.tmp`;
      try {
        const handle = await open(partial, 'wx', 0o600);
        try {
          const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
          if (bytesWritten !== bytes.length) throw new Error(`wrote ${bytesWritten} of ${bytes.length} bytes`);
        } finally {
          await handle.close();
        }
        await rename(partial, file);
        return { table, file, rows };
      } catch {
        await unlink(partial).catch(() => undefined);
        return null;
      }
    },
    async remove(entries) {
      await Promise.all(entries.map((e) => unlink(e.file).catch(() => undefined)));
    },
    leftovers() {
      const entries: LoggedEntry[] = [];
      const foreign: string[] = [];
      for (const name of readdirSync(dir).sort()) {
        const m = NAME.exec(name);
        if (!m) continue;
        const [, table, key, rows] = m;
        if (table && isTable(table) && key === keyOf(table))
          entries.push({ table, file: path.join(dir, name), rows: Number(rows) });
        else foreign.push(name);
      }
      return { entries, foreign };
    },
    read: (entry) => readFile(entry.file),
  };
}

/** How often at most a table's failing logged rows are reported while they keep failing. */
const LOGGED_FAILURE_REPORT_MS = 60_000;

/**
 * Rows acknowledged from the write-ahead log whose insert fails are tried again every second or so
 * for as long as it fails (nothing is dropped): one line a table a minute says so, with how many
 * attempts failed since the last line, rather than one a second.
 */
export function writeAheadFailureReporter(
  logger: { error(fields: object, message: string): void },
  now: () => number,
): (table: string, rows: number, error: string) => void {
  const reported = new Map<string, { at: number; failures: number }>();
  return (table: string, rows: number, error: string): void => {
    const last = reported.get(table);
    if (last && now() - last.at < LOGGED_FAILURE_REPORT_MS) {
      last.failures++;
      return;
    }
    const failures = (last?.failures ?? 0) + 1;
    reported.set(table, { at: now(), failures: 0 });
    logger.error(
      { table, rows, failures, error },
      'acknowledged rows from the write-ahead log could not be stored; they stay queued and are tried again',
    );
  };
}
