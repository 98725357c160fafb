// Query parameters bound in this process, for the embedded engine's reads (connection.ts says
// why). The statements keep their `{name:Type}` placeholders; each is replaced here by its value
// as a literal, written by ClickHouse's own client library (quoted and escaped, arrays and maps
// element by element), cast to the placeholder's type, so the engine sees the same typed constant
// its own binding would give. A value never becomes SQL text of its own: a string stays one literal
// whatever it holds, and a value put in is not searched for placeholders again.
import { formatQueryParams } from '@clickhouse/client-common';
import { StoreError } from './errors.js';

/** `{name:Type}`: a type has no braces (`Array(String)`, `DateTime64(3, 'UTC')`). */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

export function bindQueryParams(sql: string, params: Record<string, unknown> = {}): string {
  return sql.replace(PLACEHOLDER, (_match, name: string, type: string) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined || value === null)
      throw new StoreError({
        problem: 'rejected',
        transient: false,
        message: `query parameter ${name} (${type.trim()}) has no value`,
      });
    return `CAST(${formatQueryParams({ value, wrapStringInQuotes: true, printNullAsKeyword: true })} AS ${type})`;
  });
}
