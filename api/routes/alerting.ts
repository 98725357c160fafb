// Checks, alerts and heartbeats over HTTP.
import { stringify } from 'yaml';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  alertmanagerAlertsSchema,
  parseDeclared,
  receiveAlertmanagerAlerts,
  silenceState,
  type AlertingService,
  type Declared,
  type Silence,
  type TrackedAlert,
} from '../../alerting/index.js';
import { ConfigError, formatIssues, silenceInputSchema } from '../../config/index.js';
import { ApiError } from '../errors.js';

export interface AlertingDeps {
  /** The alerting part of the request's namespace. */
  service: (req: FastifyRequest) => AlertingService;
  namespaceOf: (req: FastifyRequest) => string;
  now: () => number;
}

type AlertView = ReturnType<typeof view>;

function view(a: TrackedAlert) {
  const s = a.state;
  const state =
    s.phase === 'firing'
      ? s.acknowledged
        ? 'acked'
        : 'firing'
      : s.phase === 'pending'
        ? 'pending'
        : s.resolvedAt !== null
          ? 'resolved'
          : 'ok';
  return {
    key: a.alertKey,
    name: a.alertKey.replace(/^(check|rule):/, ''),
    state,
    labels: a.labels,
    since: s.lastChangeAt,
    firingSince: s.firingSince,
    acknowledged: s.acknowledged,
    flapping: s.flapping,
    message: s.lastMessage,
  };
}

const STATES = ['firing', 'acked', 'pending', 'resolved', 'ok', 'all'] as const;

const nameParam = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;
const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const by = { type: 'object', properties: { by: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

export function alertingRoutes(fastify: FastifyInstance, deps: AlertingDeps): void {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const find = (req: FastifyRequest, name: string): TrackedAlert => {
    const ns = deps.namespaceOf(req);
    const book = deps.service(req).book;
    const a = book.get(ns, name) ?? book.get(ns, `check:${name}`) ?? book.get(ns, `rule:${name}`);
    if (!a) throw new ApiError('ALERT_NOT_FOUND', `no alert is named "${name}"`);
    return a;
  };

  app.get(
    '/api/v1/checks',
    { config: { access: 'read' }, schema: { summary: 'Checks: state, last result, latency, since when' } },
    async (req) => ({ checks: deps.service(req).engine.status() }),
  );

  app.post(
    '/api/v1/checks/:name/test',
    {
      config: { access: 'write' },
      schema: { summary: 'Run one check once and return its result, without alerting', params: nameParam },
    },
    async (req) => {
      const name = req.params.name;
      const result = await deps.service(req).engine.testOnce(name, deps.now());
      if (!result) throw new ApiError('CHECK_NOT_FOUND', `no check or rule is named "${name}"`);
      return { name, result };
    },
  );

  app.get(
    '/api/v1/alerts',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Alerts by state',
        querystring: { type: 'object', properties: { state: { type: 'string', enum: STATES } } } as const,
      },
    },
    async (req) => {
      // By default: what needs or needed attention; quiet alerts only with state=ok or state=all.
      const wanted = req.query.state;
      const alerts: AlertView[] = deps
        .service(req)
        .book.list(deps.namespaceOf(req))
        .map(view)
        .filter((a) => (wanted === undefined ? a.state !== 'ok' : wanted === 'all' ? true : a.state === wanted))
        .sort((a, b) => b.since - a.since);
      return { alerts };
    },
  );

  app.get(
    '/api/v1/alerts/:name/history',
    {
      config: { access: 'read' },
      schema: { summary: 'Every transition of one alert, newest first', params: nameParam },
    },
    async (req) => {
      const ns = deps.namespaceOf(req);
      const a = find(req, req.params.name);
      return { key: a.alertKey, events: await deps.service(req).book.history(ns, a.alertKey) };
    },
  );

  app.post(
    '/api/v1/alerts/:name/ack',
    { config: { access: 'write' }, schema: { summary: 'Acknowledge a firing alert', params: nameParam, body: by } },
    async (req) => {
      const ns = deps.namespaceOf(req);
      const a = find(req, req.params.name);
      if (a.state.phase !== 'firing') throw new ApiError('CONFLICT', `alert "${a.alertKey}" is not firing`);
      // The body is optional (no body: by the API).
      await deps.service(req).book.acknowledge(ns, a.alertKey, req.body?.by ?? 'api', deps.now());
      return view(deps.service(req).book.get(ns, a.alertKey)!);
    },
  );

  app.post(
    '/api/v1/alerts/:name/resolve',
    { config: { access: 'write' }, schema: { summary: 'Resolve an alert by hand', params: nameParam, body: by } },
    async (req) => {
      const ns = deps.namespaceOf(req);
      const a = find(req, req.params.name);
      await deps.service(req).book.resolve(ns, a.alertKey, req.body?.by ?? 'api', deps.now());
      return view(deps.service(req).book.get(ns, a.alertKey)!);
    },
  );

  app.get(
    '/api/v1/config',
    {
      config: { access: 'read' },
      schema: {
        summary: 'The applied declarations (JSON, or YAML with ?format=yaml)',
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'yaml'] } } } as const,
      },
    },
    async (req, reply) => {
      const declared = await deps.service(req).declared();
      if (req.query.format !== 'yaml') return declared;
      return reply.header('content-type', 'text/yaml; charset=utf-8').send(stringify(declared));
    },
  );

  app.post(
    '/api/v1/config/apply',
    {
      config: { access: 'write' },
      schema: {
        summary: 'Apply declared checks and rules: created, changed and (with prune) removed, all or nothing',
        querystring: {
          type: 'object',
          properties: {
            dryRun: { type: 'boolean' },
            prune: { type: 'boolean' },
            author: { type: 'string', maxLength: 200 },
          },
        } as const,
      },
    },
    async (req) => {
      const q = req.query;
      try {
        const desired: Declared = parseDeclared(req.body);
        return await deps
          .service(req)
          .apply(desired, { prune: q.prune !== false, dryRun: q.dryRun === true, author: q.author ?? 'api' });
      } catch (err) {
        if (err instanceof ConfigError)
          throw new ApiError('INVALID_CONFIG', `invalid configuration: ${err.problems.join('; ')}`);
        throw err;
      }
    },
  );

  // Alertmanager's API, so Prometheus can send its alerts here (alerting.alertmanagers in prometheus.yml).
  app.post(
    '/api/v2/alerts',
    { config: { access: 'machine' }, schema: { summary: "Receive alerts in Alertmanager's v2 format" } },
    async (req, reply) => {
      const parsed = alertmanagerAlertsSchema.safeParse(req.body);
      if (!parsed.success) {
        throw new ApiError('BAD_REQUEST', formatIssues(parsed.error.issues).join('; '));
      }
      const counts = await receiveAlertmanagerAlerts(
        deps.service(req).book,
        deps.namespaceOf(req),
        parsed.data,
        deps.now(),
      );
      return reply.code(200).send(counts);
    },
  );

  const silenceView = (s: Silence) => ({ ...s, state: silenceState(s, deps.now()) });
  app.get(
    '/api/v1/silences',
    { config: { access: 'read' }, schema: { summary: 'Silences: active, pending and expired' } },
    async (req) => ({
      silences: (await deps.service(req).silences()).map(silenceView).sort((a, b) => b.startsAt - a.startsAt),
    }),
  );
  app.post(
    '/api/v1/silences',
    { config: { access: 'write' }, schema: { summary: 'Silence the alerts matching the matchers, from start to end' } },
    async (req, reply) => {
      const parsed = silenceInputSchema.safeParse(req.body);
      if (!parsed.success) throw new ApiError('BAD_REQUEST', formatIssues(parsed.error.issues).join('; '));
      return reply.code(201).send(silenceView(await deps.service(req).addSilence(parsed.data)));
    },
  );
  app.delete(
    '/api/v1/silences/:id',
    { config: { access: 'write' }, schema: { summary: 'Expire a silence now', params: idParam } },
    async (req) => {
      const s = await deps.service(req).expireSilence(req.params.id, 'api');
      if (!s) throw new ApiError('SILENCE_NOT_FOUND', `no silence has the id "${req.params.id}"`);
      return silenceView(s);
    },
  );

  const ping = async (req: FastifyRequest, name: string) => {
    if (!(await deps.service(req).ping(name)))
      throw new ApiError('CHECK_NOT_FOUND', `no heartbeat check is named "${name}"`);
    return { ok: true, name };
  };
  app.post(
    '/api/v1/heartbeats/:name',
    { config: { access: 'machine' }, schema: { summary: 'A heartbeat ping', params: nameParam } },
    (req) => ping(req, req.params.name),
  );
  app.get(
    '/api/v1/heartbeats/:name',
    {
      config: { access: 'machine' },
      schema: { summary: 'A heartbeat ping (for clients that can only GET)', params: nameParam },
    },
    (req) => ping(req, req.params.name),
  );
}
