// Checks resolve names with a deadline of their own, through a resolver that holds no thread: a
// DNS server that never answers makes the checks on its names fail with "DNS lookup of X timed out",
// and nothing else. A loopback DNS server (dns-packet) answers good.test and swallows every other
// question; eight checks on swallowed names run beside healthy checks on good.test and localhost.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { createHostResolver, parseHosts } from '../alerting/index.js';
import { startTestServer, type TestServer } from './support/server.js';
import { eventually } from './support/services.js';

let dns: dgram.Socket;
let dnsPort = 0;
let target: http.Server;
let targetPort = 0;
let server: TestServer;
const swallowed: string[] = [];

before(async () => {
  dns = dgram.createSocket('udp4');
  dns.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions?.[0]?.name ?? '';
    if (name !== 'good.test') {
      swallowed.push(name); // never answered
      return;
    }
    const answers = q.questions![0]!.type === 'A' ? [{ type: 'A' as const, name, ttl: 60, data: '127.0.0.1' }] : [];
    dns.send(
      dnsPacket.encode({
        id: q.id,
        type: 'response',
        flags: dnsPacket.RECURSION_DESIRED,
        questions: q.questions,
        answers,
      }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((r) => dns.bind(0, '127.0.0.1', r));
  dnsPort = (dns.address() as AddressInfo).port;
  target = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetPort = (target.address() as AddressInfo).port;
});
after(async () => {
  await server?.stop();
  dns.close();
  target.close();
});

test('the resolver: IP literals, the hosts file, a DNS answer, and a silent server timing out within the deadline', async () => {
  const r = createHostResolver({ servers: [`127.0.0.1:${dnsPort}`] });
  assert.deepEqual(await r.resolve('127.0.0.1', 100), { ok: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
  assert.deepEqual(await r.resolve('[::1]', 100), { ok: true, addresses: [{ address: '::1', family: 6 }] });
  const local = await r.resolve('localhost', 100);
  assert.ok(local.ok && local.addresses.some((a) => a.address === '127.0.0.1' || a.address === '::1'));
  assert.deepEqual(await r.resolve('good.test', 1000), { ok: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
  const started = Date.now();
  const silent = await Promise.all(Array.from({ length: 50 }, (_, i) => r.resolve(`silent-${i}.test`, 400)));
  assert.ok(Date.now() - started < 1500, `50 lookups at once took ${Date.now() - started} ms`);
  for (const [i, s] of silent.entries())
    assert.deepEqual(s, { ok: false, message: `DNS lookup of silent-${i}.test timed out after 400 ms` });
  // While 50 lookups hang, a good one still answers at once.
  const hanging = Array.from({ length: 50 }, (_, i) => r.resolve(`hang-${i}.test`, 2000));
  const t0 = Date.now();
  assert.equal((await r.resolve('good.test', 1000)).ok, true);
  assert.ok(Date.now() - t0 < 500);
  await Promise.all(hanging);
  assert.deepEqual(
    [...parseHosts('127.0.0.1 a b # c\n::1 a\n# x\nbad line\n')].map(([k, v]) => [k, v.map((a) => a.address)]),
    [
      ['a', ['127.0.0.1', '::1']],
      ['b', ['127.0.0.1']],
    ],
  );
});

test('eight checks on names DNS never answers fail with "timed out"; the healthy checks never leave ok, also after they are removed', async () => {
  const bad = Array.from({ length: 8 }, (_, i) => ({
    name: `bad-${i}`,
    interval: '1s',
    timeout: '800ms',
    failureThreshold: 1,
    ...(i % 2 === 0 ? { http: { url: `http://bad-${i}.test/` } } : { tcp: { host: `bad-${i}.test`, port: 80 } }),
  }));
  const good = [
    {
      name: 'good-dns',
      interval: '1s',
      timeout: '800ms',
      failureThreshold: 1,
      http: { url: `http://good.test:${targetPort}/` },
    },
    {
      name: 'good-hosts',
      interval: '1s',
      timeout: '800ms',
      failureThreshold: 1,
      http: { url: `http://localhost:${targetPort}/` },
    },
    {
      name: 'good-tcp',
      interval: '1s',
      timeout: '800ms',
      failureThreshold: 1,
      tcp: { host: 'good.test', port: targetPort },
    },
  ];
  server = await startTestServer({ dnsServers: [`127.0.0.1:${dnsPort}`] } as never, undefined, [
    ...good,
    ...bad,
  ] as never);
  type Status = { checks: Array<{ name: string; phase: string; lastResult: { ok: boolean; message: string } | null }> };
  const read = async () => (await (await fetch(`${server.apiUrl}/api/v1/checks`)).json()) as Status;
  const seen = new Set<string>();
  const deadline = Date.now() + 6000;
  while (Date.now() < deadline) {
    for (const c of (await read()).checks) {
      if (c.name.startsWith('good')) {
        assert.ok(c.phase === 'ok' || c.lastResult === null, `${c.name}: ${c.phase} ${c.lastResult?.message}`);
        if (c.lastResult) assert.equal(c.lastResult.ok, true, `${c.name}: ${c.lastResult.message}`);
      } else if (c.lastResult) {
        assert.match(c.lastResult.message, new RegExp(`^DNS lookup of ${c.name}\\.test timed out after \\d+ ms$`));
        seen.add(c.name);
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(seen.size, 8, 'every bad check reported its lookup');
  assert.ok(swallowed.some((n) => n === 'bad-0.test'));
  // The bad checks removed: the healthy ones go on, ok.
  const res = await fetch(`${server.apiUrl}/api/v1/config/apply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ checks: good }),
  });
  assert.equal(res.status, 200, await res.text());
  const later = await eventually('two more rounds of healthy checks', read, (s) => s.checks.length === 3);
  for (const c of later.checks) assert.equal(c.phase, 'ok', c.name);
});
