// The schema on a ClickHouse cluster (`--clickhouse-cluster NAME`): each table of the single-server
// schema becomes `<name>_local`, created ON CLUSTER with the Replicated form of its engine, and
// `<name>` becomes a Distributed table over it, so every query and insert of store/ reads and
// writes the same names on both. Materialized views run on each shard, from and to the local
// tables; changes of data layout (projections, indexes, settings, TTL) go to the local tables,
// new or retyped columns to both. Inserts through a Distributed table are made synchronous (see connection.ts),
// so an acknowledged write is on its shard's replicas' log, not in a local spool.
// The statements are checked by the engine's own parser (formatQuery) in test/cluster-schema.test.ts.

/** Where each replicated table keeps its replication log in Keeper. */
const REPLICA_ARGS = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

/** Rows of a trace go to one shard, so its spans and its trace-id lookup row sit together. */
const SHARDING: Record<string, string> = {
  otel_traces: 'cityHash64(TraceId)',
  // What migration 24 copies the spans into, then names otel_traces_local on each shard.
  otel_traces_rebuilt: 'cityHash64(TraceId)',
  otel_traces_trace_id_ts: 'cityHash64(TraceId)',
};
// (The span rollup is written by its view on each shard, from that shard's spans; reads through
// its Distributed table add the shards up.)

export const localName = (table: string): string => `${table}_local`;

const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS (\w+) \(/;
const ENGINE = /\) ENGINE = (\w*MergeTree)(?:\(([^)]*)\))?/;
const CREATE_VIEW = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+)\s+TO (\w+)/;
const ALTER = /^ALTER TABLE (\w+) ([\s\S]*)$/;
const DROP = /^DROP (TABLE|VIEW) IF EXISTS (\w+)(?: SYNC)?$/;
const RENAME = /^RENAME TABLE (\w+ TO \w+(?:, \w+ TO \w+)*)$/;
const TRUNCATE = /^TRUNCATE TABLE IF EXISTS (\w+)$/;
const CODEC = /\s+CODEC\((?:[^()]|\([^()]*\))*\)/g;

function createTable(statement: string, cluster: string): string[] {
  const table = CREATE_TABLE.exec(statement)![1]!;
  const engine = ENGINE.exec(statement);
  if (!engine) throw new Error(`no MergeTree engine to replicate in the statement creating ${table}`);
  const [, kind, args] = engine;
  const replicated = `) ENGINE = Replicated${kind}(${REPLICA_ARGS}${args ? `, ${args}` : ''})`;
  const local = statement
    .replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS ${localName(table)} ON CLUSTER ${cluster} (`)
    .replace(ENGINE, replicated);
  const sharding = SHARDING[table] ?? 'rand()';
  return [
    local,
    `CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER ${cluster} AS ${localName(table)}
ENGINE = Distributed(${cluster}, currentDatabase(), ${localName(table)}, ${sharding})`,
  ];
}

function createView(statement: string, cluster: string, tables: ReadonlySet<string>): string {
  const [, view, target] = CREATE_VIEW.exec(statement)!;
  return statement
    .replace(
      CREATE_VIEW,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} ON CLUSTER ${cluster}\nTO ${localName(target!)}`,
    )
    .replace(/\bFROM (\w+)/g, (whole, source: string) => (tables.has(source) ? `FROM ${localName(source)}` : whole));
}

function alterTable(statement: string, cluster: string): string[] {
  const [, table, change] = ALTER.exec(statement)!;
  const local = `ALTER TABLE ${localName(table!)} ON CLUSTER ${cluster} ${change}`;
  // A Distributed table reads the columns it declares: a new or retyped column changes it too.
  // (Without codecs: it stores nothing.)
  if (/^(ADD|MODIFY) COLUMN /.test(change!))
    return [local, `ALTER TABLE ${table} ON CLUSTER ${cluster} ${change!.replace(CODEC, '')}`];
  return [local];
}

/**
 * The statements of one migration for a cluster. `tables`: every table the schema creates (a
 * view's FROM names one of them or a table function).
 */
export function onCluster(statements: string[], cluster: string, tables: ReadonlySet<string>): string[] {
  return statements.flatMap((s) => {
    const text = s.trim();
    if (CREATE_TABLE.test(text)) return createTable(text, cluster);
    if (CREATE_VIEW.test(text)) return [createView(text, cluster, tables)];
    if (ALTER.test(text)) return alterTable(text, cluster);
    const drop = DROP.exec(text);
    if (drop) {
      const [, kind, name] = drop;
      // A table is the Distributed one and its local one; a view is on each shard under its own name.
      const names = kind === 'TABLE' ? [name!, localName(name!)] : [name!];
      return names.map((n) => `DROP ${kind} IF EXISTS ${n} ON CLUSTER ${cluster} SYNC`);
    }
    // The rows are in the local tables; a Distributed table names its local one, so it then reads
    // whichever local table took that name.
    const rename = RENAME.exec(text);
    if (rename)
      return [
        `RENAME TABLE ${rename[1]!.replace(/\w+/g, (n) => (n === 'TO' ? n : localName(n)))} ON CLUSTER ${cluster}`,
      ];
    // The rows are in the local tables, on every shard.
    const truncate = TRUNCATE.exec(text);
    if (truncate) return [`TRUNCATE TABLE IF EXISTS ${localName(truncate[1]!)} ON CLUSTER ${cluster} SYNC`];
    // A backfill reads and writes through the Distributed tables: the same statement on a cluster.
    if (/^INSERT INTO \w+ SELECT /.test(text)) return [text];
    throw new Error(`a migration statement the cluster schema does not know how to distribute: ${text.slice(0, 80)}`);
  });
}

/** The names of the tables created by these statements. */
export function createdTables(statements: string[]): Set<string> {
  return new Set(statements.flatMap((s) => CREATE_TABLE.exec(s.trim())?.[1] ?? []));
}

/** The names of the materialized views created by these statements, in order. */
export function createdViews(statements: string[]): string[] {
  return statements.flatMap((s) => CREATE_VIEW.exec(s.trim())?.[1] ?? []);
}
