// Reading telemetry back: services, runtime stats and RED, traces, logs, dependencies.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  SEVERITY_LEVELS,
  dependencies,
  instanceStats,
  listServices,
  searchLogs,
  searchTraces,
  serviceActivity,
  traceById,
  type ReadScope,
  type SeverityLevel,
  type Store,
} from '../../store/index.js';
import { ApiError } from '../errors.js';
import { TRACE_ID, asList, describeSince, parseDurationParam, rangeFromSince } from '../params.js';
import { followLogs } from './follow-logs.js';

export interface TelemetryDeps {
  store: () => Store;
  /** What the request may read: its namespace, and services other namespaces expose to it. */
  namespaceOf: (req: FastifyRequest) => ReadScope;
}

const services = {
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  description: 'service name; repeat or comma-separate for several',
} as const;
const since = <D extends string>(d: D) =>
  ({ type: 'string', description: `how far back, like 15m, 2h or 7d (default ${d})` }) as const;
const limit = { type: 'integer', minimum: 1, description: 'most results; larger values are capped' } as const;

const str = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

const logQuery = {
  type: 'object',
  properties: {
    service: services,
    since: since('1h'),
    grep: { type: 'string' },
    level: { type: 'string', enum: Object.keys(SEVERITY_LEVELS) as SeverityLevel[] },
    trace: { type: 'string', description: 'only lines of this trace id' },
    limit,
  },
} as const;

export function telemetryRoutes(fastify: FastifyInstance, deps: TelemetryDeps): void {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const noData = (what: string[], sinceMs: number) =>
    what.length
      ? `no telemetry from ${what.map((s) => `"${s}"`).join(', ')} in ${describeSince(sinceMs)}`
      : `no telemetry in ${describeSince(sinceMs)}`;

  app.get(
    '/api/v1/services',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Services seen, with their request rate, errors and latency',
        querystring: { type: 'object', properties: { since: since('1h') } } as const,
      },
    },
    async (req) => {
      const q = req.query;
      const range = rangeFromSince(str(q.since), '1h');
      const list = await listServices(deps.store(), deps.namespaceOf(req), range);
      return { since: range.sinceMs, services: list, ...(list.length ? {} : { message: noData([], range.sinceMs) }) };
    },
  );

  app.get(
    '/api/v1/stats',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Runtime stats per instance and RED per service and operation',
        querystring: { type: 'object', properties: { service: services, since: since('15m') } } as const,
      },
    },
    async (req) => {
      const q = req.query;
      const range = rangeFromSince(str(q.since), '15m');
      const names = asList(q.service);
      const ns = deps.namespaceOf(req);
      const db = deps.store();
      const [runtime, activity] = await Promise.all([
        instanceStats(db, ns, names, range),
        serviceActivity(db, ns, names, range),
      ]);
      const { instances: requests, services: red, operations } = activity;
      const instances = new Map<string, Record<string, unknown>>();
      for (const r of requests)
        instances.set(`${r.service}\u0000${r.instance}`, {
          service: r.service,
          instance: r.instance,
          version: r.version,
          requests: r.requests,
          errors: r.errors,
        });
      for (const s of runtime) {
        const key = `${s.service}\u0000${s.instance}`;
        const prev = instances.get(key) ?? { requests: 0, errors: 0 };
        instances.set(key, { ...prev, ...s, version: s.version || prev.version });
      }
      const list = [...instances.values()].map((i) => ({ requests: 0, errors: 0, ...i }));
      const empty = list.length === 0 && red.length === 0;
      return {
        since: range.sinceMs,
        instances: list,
        services: red,
        operations,
        ...(empty ? { message: noData(names, range.sinceMs) } : {}),
      };
    },
  );

  app.get(
    '/api/v1/traces',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Search traces',
        querystring: {
          type: 'object',
          properties: {
            service: { type: 'string' },
            since: since('1h'),
            name: { type: 'string', description: 'operation (span name)' },
            minDuration: { type: 'string', description: 'a span at least this long, like 200ms' },
            maxDuration: { type: 'string', description: 'a span at most this long, like 2s' },
            errors: { type: 'boolean' },
            attr: {
              anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
              description: 'key=value on a span or its resource; repeatable',
            },
            limit,
          },
        } as const,
      },
    },
    async (req) => {
      const q = req.query;
      const range = rangeFromSince(str(q.since), '1h');
      const attributes = asList(q.attr).map((kv): [string, string] => {
        const i = kv.indexOf('=');
        if (i <= 0) throw new ApiError('BAD_REQUEST', `attr: "${kv}" is not key=value`);
        return [kv.slice(0, i), kv.slice(i + 1)];
      });
      const service = str(q.service);
      const traces = await searchTraces(deps.store(), deps.namespaceOf(req), range, {
        service,
        operation: str(q.name),
        minDurationMs: parseDurationParam('minDuration', str(q.minDuration)),
        maxDurationMs: parseDurationParam('maxDuration', str(q.maxDuration)),
        errorsOnly: q.errors === true,
        attributes,
        limit: q.limit,
      });
      return {
        since: range.sinceMs,
        traces,
        ...(traces.length
          ? {}
          : { message: `no traces match in ${describeSince(range.sinceMs)}${service ? ` for "${service}"` : ''}` }),
      };
    },
  );

  app.get(
    '/api/v1/traces/:traceId',
    {
      config: { access: 'read' },
      schema: {
        summary: 'One trace, every span',
        params: {
          type: 'object',
          properties: { traceId: { type: 'string', description: '32 hex digits' } },
          required: ['traceId'],
        } as const,
      },
    },
    async (req) => {
      const id = req.params.traceId.toLowerCase();
      if (!TRACE_ID.test(id))
        throw new ApiError('BAD_REQUEST', `"${id.slice(0, 64)}" is not a trace id: a trace id is 32 hex digits`);
      const spans = await traceById(deps.store(), deps.namespaceOf(req), id);
      if (spans.length === 0) throw new ApiError('TRACE_NOT_FOUND', `no trace ${id} is stored`);
      return { traceId: id, spans };
    },
  );

  const logFilter = (q: {
    service?: string | string[];
    grep?: string;
    level?: SeverityLevel;
    trace?: string;
    limit?: number;
  }) => {
    const trace = str(q.trace)?.toLowerCase();
    if (trace !== undefined && !TRACE_ID.test(trace))
      throw new ApiError('BAD_REQUEST', `trace: "${trace.slice(0, 64)}" is not a trace id (32 hex digits)`);
    return { services: asList(q.service), grep: str(q.grep), minLevel: q.level, traceId: trace, limit: q.limit };
  };

  app.get(
    '/api/v1/logs',
    {
      config: { access: 'read' },
      schema: { summary: 'Search logs; the newest lines, oldest first', querystring: logQuery },
    },
    async (req) => {
      const q = req.query;
      const range = rangeFromSince(str(q.since), '1h');
      const f = logFilter(q);
      const lines = await searchLogs(deps.store(), deps.namespaceOf(req), range, f);
      return { since: range.sinceMs, lines, ...(lines.length ? {} : { message: noData(f.services, range.sinceMs) }) };
    },
  );

  app.get(
    '/api/v1/logs/follow',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Follow logs live, as NDJSON (one line per log line, heartbeats as {})',
        querystring: logQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const range = rangeFromSince(str(q.since), '1m');
      followLogs(req, reply, deps.store(), deps.namespaceOf(req), logFilter(q), range.fromMs);
    },
  );

  app.get(
    '/api/v1/deps',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Service dependency graph: calls and errors between services',
        querystring: { type: 'object', properties: { since: since('1h') } } as const,
      },
    },
    async (req) => {
      const q = req.query;
      const range = rangeFromSince(str(q.since), '1h');
      const edges = await dependencies(deps.store(), deps.namespaceOf(req), range);
      return {
        since: range.sinceMs,
        edges,
        ...(edges.length ? {} : { message: `no calls between services in ${describeSince(range.sinceMs)}` }),
      };
    },
  );
}
