// On call over HTTP: who is on call (now or at a time), shifts, overrides, warnings, test pages,
// escalations and their notifications. The signed links (calendar feeds, acknowledge, Slack) are in oncall-links.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatIssues, overrideInputSchema } from '../../config/index.js';
import { ScheduleRangeError, parseTarget, shifts, whoIsOnCall, type OnCallService } from '../../oncall/index.js';
import { ApiError } from '../errors.js';
import { parseDurationParam } from '../params.js';

/** What the on-call routes need of the server. */
export interface OnCallDeps {
  /** The on-call part of the request's namespace. */
  service: (req: FastifyRequest) => OnCallService;
  /** Of a namespace named by a signed link (acknowledge links, calendar feeds carry their own); null if none runs here. */
  serviceOf: (namespace: string) => OnCallService | null;
  now: () => number;
}

const MAX_SHIFT_RANGE = 92 * 86400_000;

/** Times on-call answers are given for: 1970 to the end of 9999 (a window must end by then too). */
const EARLIEST_AT = 0;
const LATEST_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const WHO_HORIZON = 60 * 86400_000;

function parseAt(name: string, value: string | undefined, now: number, windowMs: number): number {
  if (value === undefined || value === '' || value === 'now') return now;
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(t))
    throw new ApiError(
      'BAD_REQUEST',
      `${name}: "${value}" is not a time; write it like 2026-11-23T09:00:00Z or 2026-11-23T09:00:00+01:00`,
    );
  if (t < EARLIEST_AT || t + windowMs > LATEST_AT) {
    throw new ApiError(
      'BAD_REQUEST',
      `${name}: "${value}" is out of range; give a time from 1970 on whose window ends by 9999-12-31`,
    );
  }
  return t;
}

/** Schedule computations refuse ranges they cannot walk; that is the request's fault. */
function computed<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ScheduleRangeError) throw new ApiError('BAD_REQUEST', err.message);
    throw err;
  }
}

const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const atQuery = { type: 'object', properties: { at: { type: 'string', maxLength: 64 } } } as const;

export function oncallRoutes(fastify: FastifyInstance, deps: OnCallDeps): void {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const people = (svc: OnCallService, ids: string[]) =>
    ids.map((id) => ({ id, name: svc.directory().people.get(id)?.name ?? id }));
  const schedule = (svc: OnCallService, id: string) => {
    const s = svc.directory().schedules.get(id);
    if (!s) throw new ApiError('SCHEDULE_NOT_FOUND', `no schedule has the id "${id}"`);
    return s;
  };
  const feedUrl = (svc: OnCallService, kind: 'schedule' | 'user', id: string) =>
    `${svc.publicUrl().replace(/\/$/, '')}/api/v1/oncall/${kind === 'schedule' ? 'schedules' : 'users'}/${encodeURIComponent(id)}/calendar.ics?ns=${encodeURIComponent(svc.namespace)}&token=${svc.feedToken(kind, id)}`;
  const whoView = (svc: OnCallService, id: string, at: number) => {
    const w = computed(() => whoIsOnCall(schedule(svc, id), at, WHO_HORIZON));
    return {
      schedule: id,
      at,
      onCall: people(svc, w.users),
      until: w.until,
      next: w.next ? people(svc, w.next) : null,
      calendarUrl: feedUrl(svc, 'schedule', id),
    };
  };

  app.get(
    '/api/v1/oncall',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Who is on call for every schedule (now, or at a time), until when, and who is next',
        querystring: atQuery,
      },
    },
    async (req) => {
      const at = parseAt('at', req.query.at, deps.now(), WHO_HORIZON);
      const svc = deps.service(req);
      return { schedules: [...svc.directory().schedules.keys()].map((id) => whoView(svc, id, at)) };
    },
  );
  app.get(
    '/api/v1/oncall/schedules/:id',
    {
      config: { access: 'read' },
      schema: { summary: 'Who is on call for one schedule', params: idParam, querystring: atQuery },
    },
    async (req) => whoView(deps.service(req), req.params.id, parseAt('at', req.query.at, deps.now(), WHO_HORIZON)),
  );

  app.get(
    '/api/v1/oncall/schedules/:id/shifts',
    {
      config: { access: 'read' },
      schema: {
        summary: 'The shifts of a schedule over a range',
        params: idParam,
        querystring: {
          type: 'object',
          properties: { from: { type: 'string', maxLength: 64 }, next: { type: 'string', maxLength: 16 } },
        } as const,
      },
    },
    async (req) => {
      const q = req.query;
      const span = parseDurationParam('next', q.next, '14d')!;
      if (span <= 0 || span > MAX_SHIFT_RANGE)
        throw new ApiError('BAD_REQUEST', 'next: give a span between 1m and 92d');
      const from = parseAt('from', q.from, deps.now(), span);
      const id = req.params.id;
      const svc = deps.service(req);
      return {
        schedule: id,
        from,
        to: from + span,
        shifts: computed(() => shifts(schedule(svc, id), from, from + span)).map((x) => ({
          start: x.start,
          end: x.end,
          onCall: people(svc, x.users),
        })),
      };
    },
  );

  app.get(
    '/api/v1/oncall/users',
    { config: { access: 'read' }, schema: { summary: 'People, their contact methods (by name) and calendar feed' } },
    async (req) => {
      const svc = deps.service(req);
      return {
        users: [...svc.directory().people.values()].map((p) => ({
          id: p.id,
          name: p.name,
          timezone: p.timezone,
          contacts: p.contacts.map((c) => ({ name: c.name, channel: c.channel, afterMs: c.afterMs })),
          calendarUrl: feedUrl(svc, 'user', p.id),
        })),
      };
    },
  );

  app.get(
    '/api/v1/oncall/overrides',
    { config: { access: 'read' }, schema: { summary: 'Overrides added by hand' } },
    async (req) => ({ overrides: deps.service(req).overrides() }),
  );
  app.post(
    '/api/v1/oncall/overrides',
    {
      config: { access: 'write' },
      schema: { summary: 'Add an override: replace someone, add someone, or take someone off, for a while' },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const { author, ...rest } = body;
      const parsed = overrideInputSchema.safeParse(rest);
      if (!parsed.success)
        throw new ApiError('INVALID_CONFIG', `invalid override: ${formatIssues(parsed.error.issues).join('; ')}`);
      schedule(deps.service(req), parsed.data.schedule);
      const d = deps.service(req).directory();
      for (const who of [parsed.data.user, parsed.data.with])
        if (who && !d.people.has(who))
          throw new ApiError('INVALID_CONFIG', `invalid override: no user has the id "${who}"`);
      const saved = await deps
        .service(req)
        .addOverride(parsed.data, typeof author === 'string' && author ? author.slice(0, 200) : 'api');
      return reply.code(201).send(saved);
    },
  );
  app.delete(
    '/api/v1/oncall/overrides/:id',
    { config: { access: 'write' }, schema: { summary: 'Remove an override added by hand', params: idParam } },
    async (req) => {
      const id = req.params.id;
      if (!(await deps.service(req).removeOverride(id, 'api')))
        throw new ApiError('OVERRIDE_NOT_FOUND', `no override has the id "${id}"`);
      return { removed: id };
    },
  );

  app.get(
    '/api/v1/oncall/check',
    {
      config: { access: 'read' },
      schema: { summary: 'Warnings: schedule gaps, people on call nobody can reach, policies that reach nobody' },
    },
    async (req) => ({
      warnings: deps.service(req).warnings(deps.now()),
    }),
  );

  app.post(
    '/api/v1/oncall/test-page',
    {
      config: { access: 'write' },
      schema: {
        summary: 'Send a real test page to a person, or to whoever is on call for a schedule',
        body: {
          type: 'object',
          required: ['target'],
          properties: { target: { type: 'string', maxLength: 200 }, by: { type: 'string', maxLength: 200 } },
        } as const,
      },
    },
    async (req) => {
      const b = req.body;
      let target: ReturnType<typeof parseTarget>;
      try {
        // A bare id is a person's, or else a schedule's.
        const bare = !b.target.includes(':');
        target = parseTarget(
          bare
            ? `${deps.service(req).directory().people.has(b.target) || !deps.service(req).directory().schedules.has(b.target) ? 'user' : 'schedule'}:${b.target}`
            : b.target,
        );
      } catch (err) {
        throw new ApiError('BAD_REQUEST', (err as Error).message);
      }
      if (target.kind === 'webhook') throw new ApiError('BAD_REQUEST', 'a test page goes to a user or a schedule');
      const results = await deps.service(req).testPage({ kind: target.kind, id: target.id }, b.by ?? 'api');
      if (results === null)
        throw new ApiError(
          target.kind === 'user' ? 'USER_NOT_FOUND' : 'SCHEDULE_NOT_FOUND',
          `no ${target.kind} has the id "${target.id}"`,
        );
      return { target: b.target, results };
    },
  );

  app.get(
    '/api/v1/oncall/escalations',
    { config: { access: 'read' }, schema: { summary: 'Escalations held by the pager, with every notification' } },
    async (req) => ({
      escalations: deps
        .service(req)
        .escalations()
        .map((e) => ({ ...e, notifications: e.notifications.map(({ address: _address, ...n }) => n) })),
    }),
  );
  app.get(
    '/api/v1/alerts/:name/notifications',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Every recorded notification attempt of an alert, newest first',
        params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const,
      },
    },
    async (req) => {
      const name = req.params.name;
      return {
        notifications: (await deps.service(req).notificationHistory(name)).map(({ address: _address, ...n }) => n),
      };
    },
  );
}
