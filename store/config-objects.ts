// Configuration objects (checks, rules...) as versioned rows: read the newest of each, write a
// whole change set in one insert.
import { dateTime64Text } from './datetime.js';
import type { Store } from './store.js';
import { nextVersion } from './versions.js';

export interface ConfigObject {
  kind: string;
  name: string;
  /** The validated object, as JSON. */
  spec: string;
  version: number;
  updatedAt: number;
  author: string;
}

export interface ConfigWrite {
  kind: string;
  name: string;
  spec: string | null;
}

export async function readConfigObjects(store: Pick<Store, 'query'>, namespace: string): Promise<ConfigObject[]> {
  const rows = await store.query<{
    kind: string;
    name: string;
    spec: string;
    version: string;
    at: string;
    author: string;
    deleted: boolean;
  }>(
    `SELECT Kind AS kind, Name AS name, argMax(Spec, Version) AS spec, toString(max(Version)) AS version,
       toString(toUnixTimestamp64Milli(argMax(UpdatedAt, Version))) AS at, argMax(Author, Version) AS author, argMax(Deleted, Version) AS deleted
     FROM micro_config WHERE Namespace = {ns:String}
     GROUP BY Kind, Name HAVING NOT deleted ORDER BY Kind, Name`,
    { ns: namespace },
  );
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    spec: r.spec,
    version: Number(r.version),
    updatedAt: Number(r.at),
    author: r.author,
  }));
}

/** Writes every change in one insert: a deletion is a row with `spec: null`. */
export async function writeConfigObjects(
  store: Pick<Store, 'insertJson'>,
  namespace: string,
  writes: ConfigWrite[],
  author: string,
  now: number,
): Promise<void> {
  if (writes.length === 0) return;
  const at = dateTime64Text(now);
  await store.insertJson(
    'micro_config',
    writes.map((w) => ({
      Namespace: namespace,
      Kind: w.kind,
      Name: w.name,
      Version: nextVersion(now),
      Deleted: w.spec === null,
      Spec: w.spec ?? '',
      Author: author,
      UpdatedAt: at,
    })),
  );
}
