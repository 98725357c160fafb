// Jaeger's query API (what Jaeger's query service serves) under /jaeger, for Grafana's Jaeger data
// source and the Jaeger UI: services, operations, trace search, one trace, dependencies. Same
// tokens and namespaces as the rest of the API (Grafana: the data source's Authorization header).
// Errors come in Jaeger's envelope, `{ data: null, errors: [{ code, msg }] }`.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import parseDuration from 'parse-duration';
import {
  type ReadScope,
  type Store,
  dependencies,
  listServices,
  operations,
  searchTraces,
  traceById,
} from '../../store/index.js';
import { ApiError, toErrorResponse } from '../errors.js';
import { envelope, toJaegerDependencies, toJaegerTrace } from './model.js';

export interface JaegerDeps {
  store: () => Store;
  scopeOf: (req: FastifyRequest) => ReadScope;
  now: () => number;
}

const HOUR = 3600_000;
const MAX_RANGE = 31 * 24 * HOUR;
const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

/** A Go-style duration ("1.5ms", "2s", "1h30m") in milliseconds, as Jaeger takes them. */
function goDuration(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const ms = parseDuration(v);
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new ApiError('BAD_REQUEST', `${name}: "${v}" is not a duration like 1.5ms, 2s or 1h30m`);
  }
  return ms;
}

/** start/end (epoch microseconds) or end and lookback, at most 31 days. */
function timeRange(q: { start?: number; end?: number; lookback?: string }, now: number) {
  const toMs = q.end !== undefined ? q.end / 1000 : now;
  const lookback = q.lookback && q.lookback !== 'custom' ? goDuration('lookback', q.lookback) : undefined;
  const fromMs = q.start !== undefined ? q.start / 1000 : toMs - (lookback ?? HOUR);
  if (!(fromMs <= toMs)) throw new ApiError('BAD_REQUEST', 'start must be before end');
  return { fromMs: Math.max(fromMs, toMs - MAX_RANGE), toMs: toMs + 1 };
}

/** Jaeger's `tags` parameter: a JSON object of key → value. */
function tagPairs(v: string | undefined): Array<[string, string]> {
  if (!v) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new ApiError('BAD_REQUEST', 'tags: give a JSON object, like {"http.status_code":"500"}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ApiError('BAD_REQUEST', 'tags: give a JSON object');
  return Object.entries(parsed as Record<string, unknown>).map(([k, x]) => [k, String(x)]);
}

const traceQuery = {
  type: 'object',
  properties: {
    service: { type: 'string', maxLength: 200 },
    operation: { type: 'string', maxLength: 500 },
    tags: { type: 'string', maxLength: 4000 },
    minDuration: { type: 'string', maxLength: 32 },
    maxDuration: { type: 'string', maxLength: 32 },
    start: { type: 'integer', minimum: 0 },
    end: { type: 'integer', minimum: 0 },
    lookback: { type: 'string', maxLength: 32 },
    limit: { type: 'integer', minimum: 1, maximum: 1500 },
  },
} as const;

export function jaegerRoutes(parent: FastifyInstance, deps: JaegerDeps): void {
  parent.register(
    async (plain) => {
      const app = plain.withTypeProvider<JsonSchemaToTsProvider>();
      app.setErrorHandler((err, req, reply) => {
        const { status, body, retryAfterSeconds } = toErrorResponse(err);
        if (status >= 500 && retryAfterSeconds === undefined) req.log.error({ err }, 'Jaeger API handler failed');
        if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
        return reply
          .code(status)
          .send({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: status, msg: body.error.message }] });
      });
      const read = { config: { access: 'read' as const } };

      app.get(
        '/api/services',
        { ...read, schema: { summary: 'Jaeger: services with spans in the last 31 days' } },
        async (req) => {
          const now = deps.now();
          const list = await listServices(deps.store(), deps.scopeOf(req), { fromMs: now - MAX_RANGE, toMs: now + 1 });
          return envelope(list.map((s) => s.service).sort());
        },
      );

      app.get(
        '/api/services/:service/operations',
        {
          ...read,
          schema: {
            summary: 'Jaeger: operation names of a service',
            params: { type: 'object', properties: { service: { type: 'string' } }, required: ['service'] } as const,
          },
        },
        async (req) => {
          const now = deps.now();
          const ops = await operations(deps.store(), deps.scopeOf(req), req.params.service, {
            fromMs: now - MAX_RANGE,
            toMs: now + 1,
          });
          return envelope([...new Set(ops.map((o) => o.name))]);
        },
      );

      app.get(
        '/api/operations',
        {
          ...read,
          schema: {
            summary: 'Jaeger: operations with their span kind',
            querystring: {
              type: 'object',
              properties: { service: { type: 'string' }, spanKind: { type: 'string' } },
            } as const,
          },
        },
        async (req) => {
          const now = deps.now();
          const ops = await operations(deps.store(), deps.scopeOf(req), req.query.service, {
            fromMs: now - MAX_RANGE,
            toMs: now + 1,
          });
          const kind = (k: string) => (k === 'Unspecified' ? '' : k.toLowerCase());
          return envelope(
            ops
              .filter((o) => !req.query.spanKind || kind(o.kind) === req.query.spanKind)
              .map((o) => ({ name: o.name, spanKind: kind(o.kind) })),
          );
        },
      );

      app.get(
        '/api/traces',
        { ...read, schema: { summary: 'Jaeger: find traces', querystring: traceQuery } },
        async (req) => {
          const q = req.query;
          const range = timeRange(q, deps.now());
          const found = await searchTraces(deps.store(), deps.scopeOf(req), range, {
            service: q.service || undefined,
            operation: q.operation || undefined,
            attributes: tagPairs(q.tags),
            minDurationMs: goDuration('minDuration', q.minDuration),
            maxDurationMs: goDuration('maxDuration', q.maxDuration),
            limit: q.limit ?? 20,
          });
          const traces = await Promise.all(
            found.map(async (t) =>
              toJaegerTrace(t.traceId, await traceById(deps.store(), deps.scopeOf(req), t.traceId)),
            ),
          );
          return envelope(traces);
        },
      );

      app.get(
        '/api/traces/:traceID',
        {
          ...read,
          schema: {
            summary: 'Jaeger: one trace',
            params: {
              type: 'object',
              properties: { traceID: { type: 'string', maxLength: 64 } },
              required: ['traceID'],
            } as const,
          },
        },
        async (req) => {
          const raw = req.params.traceID.toLowerCase();
          if (!TRACE_ID.test(raw))
            throw new ApiError('BAD_REQUEST', `"${raw.slice(0, 64)}" is not a trace id (16 or 32 hex digits)`);
          const id = raw.padStart(32, '0');
          const spans = await traceById(deps.store(), deps.scopeOf(req), id);
          if (spans.length === 0) throw new ApiError('TRACE_NOT_FOUND', 'trace not found');
          return envelope([toJaegerTrace(id, spans)]);
        },
      );

      app.get(
        '/api/dependencies',
        {
          ...read,
          schema: {
            summary: 'Jaeger: calls between services',
            querystring: {
              type: 'object',
              properties: { endTs: { type: 'integer', minimum: 0 }, lookback: { type: 'integer', minimum: 1 } },
            } as const,
          },
        },
        async (req) => {
          const toMs = req.query.endTs ?? deps.now();
          const lookback = Math.min(req.query.lookback ?? 24 * HOUR, MAX_RANGE);
          return envelope(
            toJaegerDependencies(
              await dependencies(deps.store(), deps.scopeOf(req), { fromMs: toMs - lookback, toMs: toMs + 1 }),
            ),
          );
        },
      );
    },
    { prefix: '/jaeger' },
  );
}
