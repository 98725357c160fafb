// The HTTP check's own client against real loopback servers: what it sends, and the answers it
// reads (chunked, to the connection's end, after interim responses, cut short, not HTTP at all).
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runHttpCheck } from '../alerting/index.js';
import { checksSchema } from '../config/index.js';

const listen = (s: net.Server): Promise<number> =>
  new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
let seen: Seen | null = null;
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first part, ');
        setTimeout(() => res.end('second part'), 20);
      } else if (req.url === '/early-hints') {
        res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
        res.end('after the hints');
      } else if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`answer to ${req.method}`);
    });
  });
  base = `http://127.0.0.1:${await listen(server)}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** A TCP server that answers every connection with `reply` and closes it. */
async function rawServer(reply: string): Promise<{ url: string; close: () => void }> {
  const s = net.createServer((c) => {
    c.once('data', () => c.end(reply));
    c.on('error', () => undefined);
  });
  const port = await listen(s);
  return { url: `http://127.0.0.1:${port}/`, close: () => s.close() };
}

describe('the HTTP check client', () => {
  test('sends the method, path and query, headers, body and credentials, and asks to close', async () => {
    const r = await runHttpCheck({
      url: `${base.replace('http://', 'http://probe:s%40cret@')}/submit?x=1&y=two`,
      method: 'POST',
      headers: { 'x-check': 'yes', 'content-type': 'application/json' },
      body: '{"ping":"é"}',
      timeoutMs: 2000,
      bodyContains: 'answer to POST',
    });
    assert.equal(r.ok, true, r.message);
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.url, '/submit?x=1&y=two');
    assert.equal(seen?.body, '{"ping":"é"}');
    assert.equal(seen?.headers['content-length'], String(Buffer.byteLength('{"ping":"é"}')));
    assert.equal(seen?.headers['x-check'], 'yes');
    assert.equal(seen?.headers.host, base.replace('http://', ''));
    assert.equal(seen?.headers.connection, 'close');
    assert.equal(seen?.headers.authorization, `Basic ${Buffer.from('probe:s@cret').toString('base64')}`);
    assert.match(seen?.headers['user-agent'] ?? '', /^micro-observe-check\//);
  });

  test('reads chunked bodies, answers after interim responses, HEAD and 204 without a body', async () => {
    const chunked = await runHttpCheck({ url: `${base}/chunked`, timeoutMs: 2000, bodyContains: 'first part, second' });
    assert.equal(chunked.ok, true, chunked.message);
    const hinted = await runHttpCheck({ url: `${base}/early-hints`, timeoutMs: 2000, bodyContains: 'after the hints' });
    assert.deepEqual([hinted.ok, hinted.details.status], [true, 200], hinted.message);
    const head = await runHttpCheck({ url: `${base}/`, method: 'HEAD', timeoutMs: 2000 });
    assert.deepEqual([head.ok, seen?.method], [true, 'HEAD'], head.message);
    const empty = await runHttpCheck({ url: `${base}/empty`, timeoutMs: 2000, expectStatus: 204 });
    assert.equal(empty.ok, true, empty.message);
  });

  test('a body that runs to the connection end is read; a cut or foreign answer fails with a reason', async (t) => {
    const toEnd = await rawServer('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it');
    const cut = await rawServer('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this');
    const smtp = await rawServer('220 mail.example ESMTP ready\r\n');
    t.after(() => {
      for (const s of [toEnd, cut, smtp]) s.close();
    });
    const whole = await runHttpCheck({ url: toEnd.url, timeoutMs: 2000, bodyContains: 'all of it' });
    assert.equal(whole.ok, true, whole.message);
    const short = await runHttpCheck({ url: cut.url, timeoutMs: 2000 });
    assert.deepEqual([short.ok, short.message], [false, 'connection reset']);
    const foreign = await runHttpCheck({ url: smtp.url, timeoutMs: 2000 });
    assert.equal(foreign.ok, false);
    assert.match(foreign.message, /^the answer is not HTTP/);
  });

  test('a header that may not be sent is a failure that names it, not a thrown error', async () => {
    const r = await runHttpCheck({ url: base, headers: { 'x-bad': 'one\r\ninjected: two' }, timeoutMs: 2000 });
    assert.equal(r.ok, false);
    assert.match(r.message, /x-bad/);
    // and a check file declaring it is refused, naming the field
    const declared = checksSchema.safeParse([
      { name: 'c', interval: '1m', http: { url: base, headers: { 'x-bad': 'a\r\nb' } } },
    ]);
    assert.equal(declared.success, false);
    assert.deepEqual(declared.error?.issues[0]?.path, [0, 'http', 'headers', 'x-bad']);
    assert.equal(
      declared.error?.issues[0]?.message,
      'a header value may not hold a line break or other control character',
    );
  });
});
