// A paging scenario: a real HTTP target that can be made to fail, a real SMTP server, a real
// server (embedded store) with a manual clock, and the people, schedule and policy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Declared } from '../../config/index.js';
import { startTestServer, type TestServer } from './server.js';

export interface FlakyTarget {
  url: string;
  status: number;
  /** When each request arrived (Date.now()). */
  hits: number[];
  close(): Promise<void>;
}

export async function startTarget(): Promise<FlakyTarget> {
  const t = { status: 200, hits: [] as number[] } as FlakyTarget;
  const server: Server = createServer((_req, res) => {
    if (t.hits.push(Date.now()) > 100_000) t.hits.splice(0, 50_000);
    res.writeHead(t.status).end(t.status === 200 ? 'ok' : 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  t.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return t;
}

/** alice (London) and bob (New York) rotate weekly on `primary`, handing off Mondays 09:00 London; carol is UTC. */
export const TEAM: Required<Pick<Declared, 'users' | 'schedules'>> = {
  users: [
    { id: 'alice', name: 'Alice', email: 'alice@example.com', timezone: 'Europe/London', contacts: [] },
    { id: 'bob', name: 'Bob', email: 'bob@example.com', timezone: 'America/New_York', contacts: [] },
    { id: 'carol', name: 'Carol', email: 'carol@example.com', timezone: 'UTC', contacts: [] },
  ],
  schedules: [
    {
      id: 'primary',
      timezone: 'Europe/London',
      rotations: [{ participants: ['alice', 'bob'], shift: 7 * 86400_000, handoff: 'Mon 09:00' }],
      overrides: [],
    },
  ],
};

/** The TEAM; carol is the second step of the `default` policy, 10 minutes after the schedule. */
export function pagingDeclared(targetUrl: string, extra: Partial<Declared> = {}): Partial<Declared> {
  return {
    checks: [
      {
        name: 'checkout-http',
        service: 'checkout',
        interval: 1000,
        timeout: 500,
        failureThreshold: 2,
        successThreshold: 1,
        labels: { severity: 'page' },
        http: { url: targetUrl, method: 'GET', insecure: false, expectStatus: 200 },
      },
    ],
    users: TEAM.users,
    schedules: TEAM.schedules,
    policies: [
      {
        id: 'default',
        repeat: 0,
        steps: [
          { notify: ['schedule:primary'], after: 0 },
          { notify: ['user:carol'], after: 600_000 },
        ],
      },
    ],
    routes: [{ match: { severity: 'page' }, policy: 'default' }],
    ...extra,
  };
}

export interface Clock {
  now: number;
}

export async function startPagingServer(
  dataDir: string,
  smtpPort: number,
  clock: Clock,
  declared: Partial<Declared>,
): Promise<TestServer> {
  return startTestServer(
    { notifications: { smtp: { host: '127.0.0.1', port: smtpPort, from: 'pager@example.com' } } },
    dataDir,
    [],
    [],
    { declared, now: () => clock.now, manualClock: true },
  );
}

/** Moves the clock to `to` in steps, ticking the server at each (checks, dispatcher, pager). */
export async function advance(server: TestServer, clock: Clock, to: number, stepMs = 250): Promise<void> {
  while (clock.now < to) {
    clock.now = Math.min(to, clock.now + stepMs);
    await server.alerting.tick(clock.now);
  }
}

/** Ticks until `done()` holds, at most `maxMs` of clock time. */
export async function advanceUntil(
  server: TestServer,
  clock: Clock,
  done: () => boolean,
  maxMs: number,
  stepMs = 250,
): Promise<void> {
  const end = clock.now + maxMs;
  while (!done()) {
    if (clock.now >= end) throw new Error(`not reached within ${maxMs} ms of clock time`);
    clock.now += stepMs;
    await server.alerting.tick(clock.now);
  }
}

export const ACK_LINK = /(http:\/\/127\.0\.0\.1:\d+\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
