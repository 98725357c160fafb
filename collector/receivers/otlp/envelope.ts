// The envelope every OTLP export shares: request → Resource* → Scope* → items. Walks it once
// for all three signals, in protobuf and in JSON, and hands each item to the signal's decoder
// with the resource and scope already read (whatever their order on the wire).
import { EMPTY_MAP } from '../../../store/index.js';
import type { ResourceInfo, ScopeContext } from '../../tables/scope.js';
import { AttrList, resourceProto, scopeProto } from './attributes.js';
import { arrayOf, resourceJson, scopeJson } from './attributes-json.js';

export type { ResourceInfo, ScopeContext };
import {
  collectChildren,
  createReader,
  messageEnd,
  readUtf8,
  skipField,
  type DecodeContext,
  type Reader,
} from './wire.js';

/**
 * `onScope` runs once per scope and returns what its items share (pre-encoded columns);
 * `onItem` runs per item, positioned at its start, with `ctx.problem` set to whatever was wrong
 * with its resource or scope (so those reject every item under them).
 */
export function walkProto<C>(
  body: Buffer,
  dc: DecodeContext,
  onScope: (resource: ResourceInfo, scope: ScopeContext) => C,
  onItem: (ctx: C, r: Reader, end: number) => void,
): void {
  const r = createReader(body, dc);
  const lists = { resource: new AttrList(dc), scope: new AttrList(dc) };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) resource(r, messageEnd(r), lists, onScope, onItem);
    else skipField(r, tag & 7);
  }
}

function resource<C>(
  r: Reader,
  end: number,
  lists: { resource: AttrList; scope: AttrList },
  onScope: (res: ResourceInfo, scope: ScopeContext) => C,
  onItem: (ctx: C, r: Reader, end: number) => void,
): void {
  const dc = r.ctx;
  dc.problem = null;
  const res: ResourceInfo = { service: '', attrs: EMPTY_MAP, schemaUrl: '' };
  const scopes = collectChildren(r, end, 2, (field, wt) => {
    if (field === 1 && wt === 2) {
      const attrs = resourceProto(r, messageEnd(r), lists.resource);
      res.service = attrs.get('service.name') ?? '';
      res.attrs = attrs.encode();
    } else if (field === 3 && wt === 2) res.schemaUrl = readUtf8(r, 'resource schema_url');
    else return false;
    return true;
  });
  const resourceProblem = dc.problem;
  for (let i = 0; i < scopes.length; i += 2) {
    r.pos = scopes[i]!;
    dc.problem = resourceProblem;
    const sc: ScopeContext = { scope: { name: '', version: '', attrs: EMPTY_MAP, dropped: 0 }, schemaUrl: '' };
    const items = collectChildren(r, scopes[i + 1]!, 2, (field, wt) => {
      if (field === 1 && wt === 2) sc.scope = scopeProto(r, messageEnd(r), lists.scope);
      else if (field === 3 && wt === 2) sc.schemaUrl = readUtf8(r, 'scope schema_url');
      else return false;
      return true;
    });
    const scopeProblem = dc.problem;
    const ctx = onScope(res, sc);
    for (let j = 0; j < items.length; j += 2) {
      r.pos = items[j]!;
      dc.problem = scopeProblem;
      onItem(ctx, r, items[j + 1]!);
    }
  }
  r.pos = end;
}

type Json = Record<string, unknown>;
export const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

/** The same walk over OTLP/JSON: `keys` names the resource, scope and item arrays. */
export function walkJson<C>(
  doc: Json,
  dc: DecodeContext,
  keys: { resources: string; scopes: string; items: string },
  onScope: (resource: ResourceInfo, scope: ScopeContext) => C,
  onItem: (ctx: C, item: Json) => void,
): void {
  const lists = { resource: new AttrList(dc), scope: new AttrList(dc) };
  for (const rRaw of arrayOf(doc[keys.resources], keys.resources)) {
    const rj = obj(rRaw);
    dc.problem = null;
    const attrs = resourceJson(rj.resource, lists.resource);
    const res: ResourceInfo = {
      service: attrs.get('service.name') ?? '',
      attrs: attrs.encode(),
      schemaUrl: String(rj.schemaUrl ?? ''),
    };
    const resourceProblem = dc.problem;
    for (const sRaw of arrayOf(rj[keys.scopes], keys.scopes)) {
      const sj = obj(sRaw);
      dc.problem = resourceProblem;
      const ctx = onScope(res, { scope: scopeJson(sj.scope, lists.scope), schemaUrl: String(sj.schemaUrl ?? '') });
      const scopeProblem = dc.problem;
      for (const item of arrayOf(sj[keys.items], keys.items)) {
        dc.problem = scopeProblem;
        onItem(ctx, obj(item));
      }
    }
  }
}
