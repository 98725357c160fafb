// Time series for the console's charts and the CLI's sparklines: RED per service in steps, runtime
// stats per instance, and log volume per level. Reads are confined to the caller's scope in store/.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  logVolume,
  runtimeSeries,
  serviceSeries,
  stepFor,
  type ReadScope,
  type Store,
  type TimeRange,
} from '../../store/index.js';
import { ApiError } from '../errors.js';
import { asList, rangeOf } from '../params.js';

export interface SeriesDeps {
  store: () => Store;
  namespaceOf: (req: FastifyRequest) => ReadScope;
}

const rangeProps = {
  since: { type: 'string', description: 'how far back, like 15m or 7d' },
  from: { type: 'integer', description: 'start, Unix ms (with to)' },
  to: { type: 'integer', description: 'end, Unix ms (with from)' },
  step: { type: 'integer', minimum: 1, description: 'seconds per point (default: about 120 points)' },
} as const;

function stepOf(range: TimeRange, step: number | undefined): number {
  const ms = step !== undefined ? step * 1000 : stepFor(range);
  if ((range.toMs - range.fromMs) / ms > 5000)
    throw new ApiError('BAD_REQUEST', 'step: that many points is more than a chart can show; use a larger step');
  return ms;
}

export function seriesRoutes(fastify: FastifyInstance, deps: SeriesDeps): void {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  app.get(
    '/api/v1/series/services',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Requests, errors and p50/p95/p99 per service and step (sparklines, charts)',
        querystring: {
          type: 'object',
          properties: {
            ...rangeProps,
            service: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          },
        } as const,
      },
    },
    async (req) => {
      const range = rangeOf(req.query, '1h');
      const stepMs = stepOf(range, req.query.step);
      const series = await serviceSeries(deps.store(), deps.namespaceOf(req), asList(req.query.service), range, stepMs);
      return {
        from: range.fromMs,
        to: range.toMs,
        stepMs,
        services: Object.fromEntries(series),
      };
    },
  );
  app.get(
    '/api/v1/series/services/:name/runtime',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Per instance of a service: cpu, memory, threads and GC, per step',
        params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const,
        querystring: { type: 'object', properties: rangeProps } as const,
      },
    },
    async (req) => {
      const range = rangeOf(req.query, '1h');
      const stepMs = stepOf(range, req.query.step);
      const instances = await runtimeSeries(deps.store(), deps.namespaceOf(req), req.params.name, range, stepMs);
      return { from: range.fromMs, to: range.toMs, stepMs, instances };
    },
  );
  app.get(
    '/api/v1/series/logs',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Log lines per level and step (the volume histogram)',
        querystring: {
          type: 'object',
          properties: {
            ...rangeProps,
            service: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
            grep: { type: 'string' },
          },
        } as const,
      },
    },
    async (req) => {
      const range = rangeOf(req.query, '1h');
      const stepMs = stepOf(range, req.query.step);
      const points = await logVolume(
        deps.store(),
        deps.namespaceOf(req),
        range,
        asList(req.query.service),
        req.query.grep ?? '',
        stepMs,
      );
      return { from: range.fromMs, to: range.toMs, stepMs, points };
    },
  );
}
