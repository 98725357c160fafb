// The on-call routes reached by a signed link rather than a token: calendar feeds, the acknowledge
// links of emails, and Slack's interactivity URL. Each link names its namespace; its signature is
// checked by that namespace's on-call service.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ackTokenNamespace,
  escapeHtml,
  parseSlackClick,
  personCalendar,
  scheduleCalendar,
} from '../../oncall/index.js';
import { ApiError } from '../errors.js';
import type { OnCallDeps } from './oncall.js';

const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const tokenParam = { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] } as const;
const tokenQuery = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 100 }, ns: { type: 'string', maxLength: 64 } },
} as const;

const htmlPage = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="/assets/page.css"></head><body class="page">${body}</body></html>`;

const linkNotValidPage = (reason: string): string =>
  htmlPage(
    'Link not valid',
    `<h2>This acknowledge link ${reason === 'expired' ? 'has expired' : 'is not valid'}.</h2><p>Use <code>micro ack</code> instead.</p>`,
  );

export function oncallLinkRoutes(fastify: FastifyInstance, deps: OnCallDeps): void {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const feed =
    (kind: 'schedule' | 'user') =>
    async (
      req: FastifyRequest<{ Params: { id: string }; Querystring: { token?: string; ns?: string } }>,
      reply: FastifyReply,
    ) => {
      const id = req.params.id;
      const { token = '', ns = 'default' } = req.query;
      const svc = deps.serviceOf(ns);
      if (!svc?.verifyFeedToken(kind, id, token))
        throw new ApiError(
          'FEED_TOKEN_INVALID',
          'this calendar link is not valid: take the link from `micro oncall` or /api/v1/oncall',
        );
      const d = svc.directory();
      const ics = kind === 'schedule' ? scheduleCalendar(d, id, deps.now()) : personCalendar(d, id, deps.now());
      if (ics === null)
        throw new ApiError(
          kind === 'schedule' ? 'SCHEDULE_NOT_FOUND' : 'USER_NOT_FOUND',
          `no ${kind} has the id "${id}"`,
        );
      reply.header('content-type', 'text/calendar; charset=utf-8');
      return reply.send(ics);
    };
  app.get(
    '/api/v1/oncall/schedules/:id/calendar.ics',
    {
      config: { access: 'public' },
      schema: { summary: 'iCalendar feed of a schedule (token in the URL)', params: idParam, querystring: tokenQuery },
    },
    feed('schedule'),
  );
  app.get(
    '/api/v1/oncall/users/:id/calendar.ics',
    {
      config: { access: 'public' },
      schema: {
        summary: "iCalendar feed of a person's shifts (token in the URL)",
        params: idParam,
        querystring: tokenQuery,
      },
    },
    feed('user'),
  );

  // The acknowledge link of a page. GET shows what it acknowledges and submits itself, so a
  // person's click acknowledges while mail scanners that only fetch links do not.
  app.get(
    '/ack/:token',
    { config: { access: 'public' }, schema: { hide: true, params: tokenParam } },
    async (req, reply) => {
      const token = req.params.token;
      const v = deps.serviceOf(ackTokenNamespace(token) ?? 'default')?.checkAckLink(token) ?? {
        ok: false as const,
        reason: 'invalid' as const,
      };
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer');
      if (!v.ok) return reply.code(v.reason === 'expired' ? 410 : 403).send(linkNotValidPage(v.reason));
      return reply.send(
        htmlPage(
          'Acknowledge',
          `<h2>Acknowledge ${escapeHtml(v.alertKey)}</h2>
<form id="ack" method="post" action="/ack/${escapeHtml(token)}"><button type="submit" class="big">Acknowledge</button></form>
<script src="/assets/ack.js"></script>`,
        ),
      );
    },
  );
  // Slack's interactivity URL: clicks on the Acknowledge and Resolve buttons of Slack pages. The
  // button's signed token names the namespace; that namespace's Slack app verifies the signature.
  app.register(async (plain) => {
    plain.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, body),
    );
    plain.post(
      '/api/v1/slack/interactions',
      { config: { access: 'public' }, schema: { summary: 'Slack interactivity: button clicks, signed by Slack' } },
      async (req, reply) => {
        const rawBody = typeof req.body === 'string' ? req.body : '';
        const click = parseSlackClick(rawBody);
        const svc = click ? deps.serviceOf(ackTokenNamespace(click.token) ?? 'default') : null;
        const header = (h: string): string | undefined =>
          typeof req.headers[h] === 'string' ? (req.headers[h] as string) : undefined;
        const r = svc
          ? await svc.slackClick({
              rawBody,
              timestamp: header('x-slack-request-timestamp'),
              signature: header('x-slack-signature'),
            })
          : { status: click ? 403 : 400, text: click ? 'not a button of ours' : 'not a click on one of our buttons' };
        return reply
          .code(r.status)
          .header('content-type', 'application/json')
          .send({ response_type: 'ephemeral', replace_original: false, text: r.text });
      },
    );
  });
  // The form posts url-encoded (and empty): only the token in the path matters.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<JsonSchemaToTsProvider>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, _body, done) => done(null, {}),
    );
    scope.post(
      '/ack/:token',
      { config: { access: 'public' }, schema: { hide: true, params: tokenParam } },
      async (req, reply) => {
        const token = req.params.token;
        const svc = deps.serviceOf(ackTokenNamespace(token) ?? 'default');
        const r = svc ? await svc.acknowledgeByLink(token) : { status: 'invalid' as const };
        reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store');
        if (r.status === 'acknowledged' || r.status === 'already-acknowledged') {
          const text = r.status === 'acknowledged' ? `Acknowledged by ${r.by}` : `Already acknowledged by ${r.by}`;
          return reply.send(
            htmlPage(
              text,
              `<h2>${escapeHtml(r.alertKey)}: ${escapeHtml(text)}.</h2><p>The escalation has stopped. You will hear when it resolves.</p>`,
            ),
          );
        }
        if (r.status === 'over')
          return reply
            .code(409)
            .send(
              htmlPage(
                'Nothing to acknowledge',
                `<h2>${escapeHtml(r.alertKey)} is no longer firing from that page.</h2><p>Nothing was changed.</p>`,
              ),
            );
        return reply.code(r.status === 'expired' ? 410 : 403).send(linkNotValidPage(r.status));
      },
    );
  });
}
