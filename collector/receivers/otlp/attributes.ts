// OTLP attributes (KeyValue lists of AnyValue) as ClickHouse Map(String, String) values. Values
// are turned to strings the way the collector's exporter does (pcommon's AsString): strings as
// they are, numbers and booleans as text, arrays and maps as JSON, bytes as base64.
import { EMPTY_MAP, type Str } from '../../../store/index.js';
import { AttrList } from '../../attr-list.js';
import type { ScopeInfo } from '../../tables/scope.js';

export type { ScopeInfo };

export { AttrList };
export { encodeOnce } from '../../attr-list.js';
import {
  MalformedInputError,
  messageEnd,
  readInt64Text,
  readStringSlice,
  readUtf8,
  readUtf8String,
  skipField,
  toBuffer,
  type Reader,
} from './wire.js';

/** How deep arrays and maps may nest in one attribute value. */
export const MAX_DEPTH = 32;

/** AnyValue → its string form. Strings come back as byte views, never decoded. */
export function anyValueProto(r: Reader, end: number, depth: number): Str {
  let out: Str = '';
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wt === 2) {
          out = readUtf8(r, 'a string value');
          continue;
        }
        break;
      case 2:
        if (wt === 0) {
          out = r.bool() ? 'true' : 'false';
          continue;
        }
        break;
      case 3:
        if (wt === 0) {
          out = readInt64Text(r);
          continue;
        }
        break;
      case 4:
        if (wt === 1) {
          out = String(r.double());
          continue;
        }
        break;
      case 5:
        if (wt === 2) {
          out = arrayJsonProto(r, messageEnd(r), depth + 1);
          continue;
        }
        break;
      case 6:
        if (wt === 2) {
          out = kvlistJsonProto(r, messageEnd(r), depth + 1);
          continue;
        }
        break;
      case 7:
        if (wt === 2) {
          out = toBuffer(r.bytes()).toString('base64');
          continue;
        }
        break;
    }
    skipField(r, wt);
  }
  return out;
}

/** AnyValue → JSON text, for values nested in arrays and maps. */
function anyValueJsonProto(r: Reader, end: number, depth: number): string {
  if (depth > MAX_DEPTH) throw new MalformedInputError('attribute values nested too deeply');
  let out = 'null';
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wt === 2) {
          out = JSON.stringify(readUtf8String(r, 'a string value'));
          continue;
        }
        break;
      case 2:
        if (wt === 0) {
          out = r.bool() ? 'true' : 'false';
          continue;
        }
        break;
      case 3:
        if (wt === 0) {
          out = readInt64Text(r);
          continue;
        }
        break;
      case 4:
        if (wt === 1) {
          const d = r.double();
          out = Number.isFinite(d) ? String(d) : JSON.stringify(String(d));
          continue;
        }
        break;
      case 5:
        if (wt === 2) {
          out = arrayJsonProto(r, messageEnd(r), depth + 1);
          continue;
        }
        break;
      case 6:
        if (wt === 2) {
          out = kvlistJsonProto(r, messageEnd(r), depth + 1);
          continue;
        }
        break;
      case 7:
        if (wt === 2) {
          out = JSON.stringify(toBuffer(r.bytes()).toString('base64'));
          continue;
        }
        break;
    }
    skipField(r, wt);
  }
  return out;
}

function arrayJsonProto(r: Reader, end: number, depth: number): string {
  const parts: string[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) parts.push(anyValueJsonProto(r, messageEnd(r), depth));
    else skipField(r, tag & 7);
  }
  return `[${parts.join(',')}]`;
}

function kvlistJsonProto(r: Reader, end: number, depth: number): string {
  const parts: string[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) {
      const kvEnd = messageEnd(r);
      let key = '';
      let value = 'null';
      while (r.pos < kvEnd) {
        const t = r.uint32();
        if (t >>> 3 === 1 && (t & 7) === 2) key = readUtf8String(r, 'an attribute key');
        else if (t >>> 3 === 2 && (t & 7) === 2) value = anyValueJsonProto(r, messageEnd(r), depth);
        else skipField(r, t & 7);
      }
      parts.push(`${JSON.stringify(key)}:${value}`);
    } else skipField(r, tag & 7);
  }
  return `{${parts.join(',')}}`;
}

/** Tags of KeyValue.key and KeyValue.value, and of AnyValue.string_value (fields 1, 2 and 1, wire type 2). */
const KEY_TAG = 0x0a;
const VALUE_TAG = 0x12;
const STRING_VALUE_TAG = 0x0a;

/**
 * One KeyValue message (already positioned after its length) into the list. The key and, in the
 * common case of an AnyValue holding one string, the value go in as slices of the body.
 */
export function keyValueProto(r: Reader, end: number, into: AttrList): void {
  let keyAt = r.pos;
  let keyLen = 0;
  let value: Str | null = '';
  let valAt = 0;
  let valLen = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === KEY_TAG) {
      keyLen = readStringSlice(r, 'an attribute key');
      keyAt = r.pos - keyLen;
    } else if (tag === VALUE_TAG) {
      const valueEnd = messageEnd(r);
      const at = r.pos;
      if (at < valueEnd && r.buf[at] === STRING_VALUE_TAG) {
        r.pos = at + 1;
        const len = readStringSlice(r, 'a string value');
        if (r.pos === valueEnd) {
          value = null;
          valAt = r.pos - len;
          valLen = len;
          continue;
        }
        r.pos = at;
      }
      value = anyValueProto(r, valueEnd, 0);
    } else skipField(r, tag & 7);
  }
  into.pushSlice(r.buf, keyAt, keyLen, value, valAt, valLen);
}

/** Resource → its attributes, into `resourceAttrs` (which it returns). */
export function resourceProto(r: Reader, end: number, resourceAttrs: AttrList): AttrList {
  resourceAttrs.reset();
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) keyValueProto(r, messageEnd(r), resourceAttrs);
    else skipField(r, tag & 7);
  }
  return resourceAttrs;
}

export function scopeProto(r: Reader, end: number, scopeAttrs: AttrList): ScopeInfo {
  scopeAttrs.reset();
  const s: ScopeInfo = { name: '', version: '', attrs: EMPTY_MAP, dropped: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    switch (tag >>> 3) {
      case 1:
        if (wt === 2) {
          s.name = readUtf8(r, 'scope name');
          continue;
        }
        break;
      case 2:
        if (wt === 2) {
          s.version = readUtf8(r, 'scope version');
          continue;
        }
        break;
      case 3:
        if (wt === 2) {
          keyValueProto(r, messageEnd(r), scopeAttrs);
          continue;
        }
        break;
      case 4:
        if (wt === 0) {
          s.dropped = r.uint32();
          continue;
        }
        break;
    }
    skipField(r, wt);
  }
  s.attrs = scopeAttrs.encode();
  return s;
}
