// Rows are written in the order store/ declares each table's columns (LAYOUTS, the one home of
// that order): a receiver gives one encoder per column, by name, and the writer follows the
// declaration. A declared column without an encoder, or an encoder for a column the table does
// not declare, is refused when the writer is made (at start), so the two cannot drift apart.
import type { RowBinaryWriter, TableLayout } from '../store/index.js';

/** Writes one column of a row from the item (`rec`), what its scope shares, and the namespace. */
export type ColumnEncoder<R, S> = (w: RowBinaryWriter, rec: R, scope: S, namespace: Buffer) => void;

/**
 * For a column written by the encoder of the column declared just before it (a run of columns
 * a scope shares, pre-encoded as one block and copied once a row).
 */
export const WITH_PREVIOUS = Symbol('written with the previous column');

export type RowWriter<R, S> = (w: RowBinaryWriter, rec: R, scope: S, namespace: Buffer) => void;

/**
 * The writer of `layout`'s rows. `encoders` may hold encoders of columns other tables declare
 * (`shared`: metric tables share one set); without `shared`, every encoder must be used here.
 */
export function compileRowWriter<R, S>(
  layout: TableLayout,
  encoders: Readonly<Record<string, ColumnEncoder<R, S> | typeof WITH_PREVIOUS>>,
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
  if (encoders[declared[0]!] === WITH_PREVIOUS)
    throw new Error(`the ${layout.table} row writer: its first column has no encoder of its own`);
  const ordered = declared.map((name) => encoders[name]!).filter((e): e is ColumnEncoder<R, S> => e !== WITH_PREVIOUS);
  // One call site per column, in the declared order, so each site always calls the same encoder
  // and V8 inlines it; a loop over the encoders is one megamorphic site (a fifth slower to decode).
  // The body is made from our own column count, never from input.
  const body = ordered.map((_, i) => `e[${i}](w, r, s, n);`).join('\n');
  return new Function('e', `return function writeRow(w, r, s, n) {\n${body}\nw.rows++;\n};`)(ordered) as RowWriter<
    R,
    S
  >;
}
