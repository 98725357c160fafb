// Rows are written in the order store/ declares each table's columns (LAYOUTS, the one home of
// that order): a receiver gives one encoder per column, by name, and the writer follows the
// declaration. A declared column without an encoder, or an encoder for a column the table does
// not declare, is refused when the writer is made (at start), so the two cannot drift apart.
import type { RowBinaryWriter, TableLayout } from '../store/index.js';

/** Writes one column of a row from the item (`rec`), what its scope shares, and the namespace. */
export type ColumnEncoder<R, S> = (w: RowBinaryWriter, rec: R, scope: S, namespace: Buffer) => void;

export type RowWriter<R, S> = (w: RowBinaryWriter, rec: R, scope: S, namespace: Buffer) => void;

/**
 * The writer of `layout`'s rows. `encoders` may hold encoders of columns other tables declare
 * (`shared`: metric tables share one set); without `shared`, every encoder must be used here.
 */
export function compileRowWriter<R, S>(
  layout: TableLayout,
  encoders: Readonly<Record<string, ColumnEncoder<R, S>>>,
  shared = false,
): RowWriter<R, S> {
  const declared = layout.columns.map(([name]) => name);
  const missing = declared.filter((name) => !encoders[name]);
  const extra = shared ? [] : Object.keys(encoders).filter((name) => !declared.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `the ${layout.table} row writer and its declared columns (store/tables.ts) disagree:` +
        `${missing.length ? ` no encoder for ${missing.join(', ')};` : ''}${extra.length ? ` encoders for undeclared ${extra.join(', ')}` : ''}`,
    );
  }
  const ordered = declared.map((name) => encoders[name]!);
  const n = ordered.length;
  return (w, rec, scope, namespace) => {
    for (let i = 0; i < n; i++) ordered[i]!(w, rec, scope, namespace);
    w.rows++;
  };
}
