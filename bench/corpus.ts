// A realistic corpus for bytes on disk: traces of instrumented HTTP services as OpenTelemetry's
// Node.js instrumentations record them (semantic conventions 1.2x): a gateway's server span,
// internal spans, calls to other services (client and server spans), database and cache calls,
// with varied routes, URLs and query strings, user ids, user agents, client addresses, attribute
// counts from 4 to 16, and an exception event with its stack on failed spans. Written straight as
// RowBinary in the collector's layout of otel_traces (bench/spans.ts writes the same columns).
import { randomBytes } from 'node:crypto';
import { type RowBinaryWriter, encodeStringMap } from '../store/index.js';
import { AGENTS, ROUTES, SERVICES, STACK, STATEMENTS } from './corpus-data.js';
import { writeSpanRow } from './spans.js';

const exceptionAttributes = (message: string): Buffer =>
  encodeStringMap(['exception.type', 'exception.message', 'exception.stacktrace'], ['Error', message, STACK]);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/** Three instances a service, each with the resource a Kubernetes-deployed Node.js SDK reports. */
const RESOURCES = SERVICES.map((s) =>
  [0, 1, 2].map((i) => {
    const pod = `${s}-7d9f8b6c4-${randomBytes(3).toString('hex').slice(0, 5)}`;
    return encodeStringMap(
      [
        'service.name',
        'service.version',
        'service.instance.id',
        'deployment.environment.name',
        'host.name',
        'host.arch',
        'os.type',
        'process.pid',
        'process.runtime.name',
        'process.runtime.version',
        'telemetry.sdk.language',
        'telemetry.sdk.name',
        'telemetry.sdk.version',
        'k8s.namespace.name',
        'k8s.pod.name',
      ],
      [
        s,
        '2.14.1',
        randomBytes(16).toString('hex'),
        'production',
        pod,
        'amd64',
        'linux',
        String(1 + i),
        'nodejs',
        '22.11.0',
        'nodejs',
        'opentelemetry',
        '1.28.0',
        'shop',
        pod,
      ],
    );
  }),
);

interface SpanOut {
  spanId: Buffer;
  parent: Buffer | null;
  service: number;
  name: string;
  kind: 'Server' | 'Client' | 'Internal';
  startMs: number;
  durationMs: number;
  attrs: Array<[string, string]>;
  error: string | null;
  scope: string;
}

/** The spans of one request through the services (3 to ~30 spans). */
function request(traceStartMs: number, userId: string, ids: () => Buffer): SpanOut[] {
  const spans: SpanOut[] = [];
  const server = (svc: number, parent: Buffer | null, at: number, depth: number): SpanOut => {
    const [method, route] = pick(ROUTES[SERVICES[svc]!]!);
    const id = String(Math.floor(Math.random() * 200_000));
    const path = route.replace(/:[a-zA-Z]+/g, () => id);
    const query =
      route === '/api/search' || route === '/search'
        ? `q=${pick(['shoes', 'red+dress', 'usb-c'])}&page=${1 + Math.floor(Math.random() * 5)}`
        : '';
    const status = Math.random() < 0.015 ? 500 : Math.random() < 0.03 ? 404 : method === 'POST' ? 201 : 200;
    const attrs: Array<[string, string]> = [
      ['http.request.method', method],
      ['url.path', path],
      ['url.scheme', depth === 0 ? 'https' : 'http'],
      ['http.route', route],
      ['http.response.status_code', String(status)],
      ['server.address', depth === 0 ? 'shop.example.com' : `${SERVICES[svc]}.shop.svc.cluster.local`],
      ['server.port', depth === 0 ? '443' : '8080'],
      ['network.protocol.version', '1.1'],
      [
        'client.address',
        depth === 0
          ? `203.0.113.${Math.floor(Math.random() * 255)}`
          : `10.12.${svc}.${Math.floor(Math.random() * 255)}`,
      ],
      ['user_agent.original', depth === 0 ? pick(AGENTS) : 'node'],
    ];
    if (query) attrs.push(['url.query', query]);
    if (depth === 0) attrs.push(['enduser.id', userId]);
    const span: SpanOut = {
      spanId: ids(),
      parent,
      service: svc,
      name: `${method} ${route}`,
      kind: 'Server',
      startMs: at,
      durationMs: 0,
      attrs,
      error: status >= 500 ? 'upstream answered 503 Service Unavailable' : null,
      scope: '@opentelemetry/instrumentation-http',
    };
    spans.push(span);
    let t = at + 0.2 + Math.random();
    // Middleware, a database or cache call or two, and calls to other services.
    const mw: SpanOut = {
      spanId: ids(),
      parent: span.spanId,
      service: svc,
      name: `middleware - ${pick(['jsonParser', 'authenticate', 'rateLimit'])}`,
      kind: 'Internal',
      startMs: t,
      durationMs: 0.1 + Math.random() * 2,
      attrs: [
        ['express.name', 'jsonParser'],
        ['express.type', 'middleware'],
        ['http.route', route],
      ],
      error: null,
      scope: '@opentelemetry/instrumentation-express',
    };
    spans.push(mw);
    t += mw.durationMs;
    for (let k = 0, n = Math.floor(Math.random() * 3); k < n; k++) {
      const statement = pick(STATEMENTS);
      const d = 0.3 + Math.random() * 8;
      spans.push({
        spanId: ids(),
        parent: span.spanId,
        service: svc,
        name: `pg.query:${statement.split(' ')[0]} shop`,
        kind: 'Client',
        startMs: t,
        durationMs: d,
        attrs: [
          ['db.system', 'postgresql'],
          ['db.namespace', 'shop'],
          ['db.query.text', statement],
          ['db.operation.name', statement.split(' ')[0]!],
          ['server.address', 'pg-primary.shop.svc.cluster.local'],
          ['server.port', '5432'],
          ['db.user', SERVICES[svc]!],
        ],
        error: null,
        scope: '@opentelemetry/instrumentation-pg',
      });
      t += d;
    }
    if (Math.random() < 0.5) {
      const d = 0.1 + Math.random();
      spans.push({
        spanId: ids(),
        parent: span.spanId,
        service: svc,
        name: 'GET',
        kind: 'Client',
        startMs: t,
        durationMs: d,
        attrs: [
          ['db.system', 'redis'],
          ['db.query.text', `GET session:${userId}`],
          ['server.address', 'redis.shop.svc.cluster.local'],
          ['server.port', '6379'],
        ],
        error: null,
        scope: '@opentelemetry/instrumentation-ioredis',
      });
      t += d;
    }
    if (depth < 2) {
      for (let k = 0, n = depth === 0 ? 1 + Math.floor(Math.random() * 3) : Math.floor(Math.random() * 2); k < n; k++) {
        const callee = 1 + Math.floor(Math.random() * (SERVICES.length - 1));
        const client: SpanOut = {
          spanId: ids(),
          parent: span.spanId,
          service: svc,
          name: 'POST',
          kind: 'Client',
          startMs: t,
          durationMs: 0,
          attrs: [],
          error: null,
          scope: '@opentelemetry/instrumentation-undici',
        };
        spans.push(client);
        const inner = server(callee, client.spanId, t + 0.3, depth + 1);
        client.name = inner.name.split(' ')[0]!;
        client.durationMs = inner.durationMs + 0.6;
        client.error = inner.error;
        client.attrs = [
          ['http.request.method', client.name],
          ['url.full', `http://${SERVICES[callee]}.shop.svc.cluster.local:8080${inner.attrs[1]![1]}`],
          ['server.address', `${SERVICES[callee]}.shop.svc.cluster.local`],
          ['server.port', '8080'],
          ['http.response.status_code', inner.attrs[4]![1]],
        ];
        t += client.durationMs;
      }
    }
    span.durationMs = t - at + 0.2;
    return span;
  };
  server(0, null, traceStartMs, 0);
  return spans;
}

/** Appends about `spans` spans of requests started over [fromMs, toMs); returns the rows written. */
export function writeHttpServiceTraces(
  w: RowBinaryWriter,
  spans: number,
  fromMs: number,
  toMs: number,
  sample: string[],
): number {
  let rows = 0;
  const pool = randomBytes(Math.max(1024, spans * 12));
  let at = 0;
  const take = (n: number): Buffer => {
    if (at + n > pool.length) at = 0;
    const start = at;
    at += n;
    return pool.subarray(start, at);
  };
  while (rows < spans) {
    const traceId = take(16);
    if (sample.length < 2000 && Math.random() < 0.01) sample.push(traceId.toString('hex'));
    const user = `u-${Math.floor(Math.random() * 50_000)}`;
    for (const s of request(fromMs + Math.random() * (toMs - fromMs), user, () => take(8))) {
      writeSpanRow(w, {
        startMs: s.startMs,
        traceId,
        spanId: s.spanId,
        parentSpanId: s.parent,
        name: s.name,
        kind: s.kind,
        service: SERVICES[s.service]!,
        resource: RESOURCES[s.service]![rows % 3]!,
        scope: s.scope,
        scopeVersion: '0.56.0',
        attributes: s.attrs,
        durationNs: Math.floor(s.durationMs * 1e6),
        status: s.error ? 'Error' : 'Unset',
        statusMessage: s.error ?? '',
        exception:
          s.error && s.kind === 'Server'
            ? { atMs: s.startMs + s.durationMs, attributes: exceptionAttributes(s.error) }
            : undefined,
      });
      rows++;
    }
  }
  return rows;
}
