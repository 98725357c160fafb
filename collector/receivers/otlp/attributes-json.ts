// OTLP/JSON attributes (KeyValue lists of AnyValue) as ClickHouse Map(String, String) values, turned
// to strings as the protobuf path does (attributes.ts): strings as they are, numbers and booleans as
// text, arrays and maps as JSON.
import { MalformedInputError } from '../../decode-context.js';
import type { AttrList } from '../../attr-list.js';
import type { ScopeInfo } from '../../tables/scope.js';
import { MAX_DEPTH } from './attributes.js';

type Json = Record<string, unknown>;

export function anyValueJson(v: unknown, depth: number, nested: boolean): string {
  if (depth > MAX_DEPTH) throw new MalformedInputError('attribute values nested too deeply');
  if (v === null || typeof v !== 'object') return nested ? 'null' : '';
  const o = v as Json;
  if ('stringValue' in o) return nested ? JSON.stringify(String(o.stringValue ?? '')) : String(o.stringValue ?? '');
  if ('boolValue' in o) return o.boolValue === true || o.boolValue === 'true' ? 'true' : 'false';
  if ('intValue' in o) {
    try {
      return BigInt(o.intValue as string).toString();
    } catch {
      throw new MalformedInputError('intValue is not an integer');
    }
  }
  if ('doubleValue' in o) {
    const d = Number(o.doubleValue);
    return nested && !Number.isFinite(d) ? JSON.stringify(String(d)) : String(d);
  }
  if ('bytesValue' in o) return nested ? JSON.stringify(String(o.bytesValue ?? '')) : String(o.bytesValue ?? '');
  if ('arrayValue' in o) {
    const values = ((o.arrayValue as Json | null)?.values ?? []) as unknown[];
    if (!Array.isArray(values)) throw new MalformedInputError('arrayValue.values must be an array');
    return `[${values.map((x) => anyValueJson(x, depth + 1, true)).join(',')}]`;
  }
  if ('kvlistValue' in o) {
    const values = ((o.kvlistValue as Json | null)?.values ?? []) as unknown[];
    if (!Array.isArray(values)) throw new MalformedInputError('kvlistValue.values must be an array');
    return `{${values.map((kv) => `${JSON.stringify(String((kv as Json)?.key ?? ''))}:${anyValueJson((kv as Json)?.value, depth + 1, true)}`).join(',')}}`;
  }
  return nested ? 'null' : '';
}

export function attributesJson(list: unknown, into: AttrList): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new MalformedInputError('attributes must be an array');
  for (const kv of list) {
    if (kv === null || typeof kv !== 'object')
      throw new MalformedInputError('an attribute must be an object with key and value');
    into.push(String((kv as Json).key ?? ''), anyValueJson((kv as Json).value, 0, false));
  }
}

export function resourceJson(res: unknown, resourceAttrs: AttrList): AttrList {
  resourceAttrs.reset();
  if (res && typeof res === 'object') attributesJson((res as Json).attributes, resourceAttrs);
  return resourceAttrs;
}

export function scopeJson(scope: unknown, scopeAttrs: AttrList): ScopeInfo {
  scopeAttrs.reset();
  const s = (scope && typeof scope === 'object' ? scope : {}) as Json;
  attributesJson(s.attributes, scopeAttrs);
  return {
    name: String(s.name ?? ''),
    version: String(s.version ?? ''),
    attrs: scopeAttrs.encode(),
    dropped: Number(s.droppedAttributesCount ?? 0) >>> 0,
  };
}

export function arrayOf(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedInputError(`${field} must be an array`);
  return v;
}
