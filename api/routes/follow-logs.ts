// Live follow of logs as NDJSON. Log lines arrive late (clients batch them), so each poll reads
// a look-back window and skips lines already sent, rather than trusting a time cursor.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { searchLogs, type LogFilter, type ReadScope, type Store } from '../../store/index.js';

const POLL_MS = 500;
const LOOKBACK_MS = 30_000;
const HEARTBEAT_MS = 15_000;

export function followLogs(
  req: FastifyRequest,
  reply: FastifyReply,
  store: Store,
  namespace: ReadScope,
  filter: LogFilter,
  fromMs: number,
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'application/x-ndjson',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  const sent = new Map<string, number>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = Date.now();
  let first = true;
  const stop = (): void => {
    closed = true;
    if (timer) clearTimeout(timer);
  };
  req.raw.on('close', stop);

  const poll = async (): Promise<void> => {
    const now = Date.now();
    const lines = await searchLogs(
      store,
      namespace,
      { fromMs: first ? fromMs : Math.max(fromMs, now - LOOKBACK_MS), toMs: now + 60_000 },
      { ...filter, limit: first ? filter.limit : 5000 },
    );
    first = false;
    for (const line of lines) {
      if (sent.has(line.key)) continue;
      sent.set(line.key, line.timeMs);
      res.write(`${JSON.stringify(line)}\n`);
      lastWrite = now;
    }
    for (const [key, t] of sent) if (t < now - LOOKBACK_MS * 2) sent.delete(key);
    if (now - lastWrite >= HEARTBEAT_MS) {
      res.write('{}\n');
      lastWrite = now;
    }
  };

  const loop = (): void => {
    if (closed) return;
    poll().then(
      () => {
        if (!closed) timer = setTimeout(loop, POLL_MS);
      },
      (err: unknown) => {
        req.log.error({ err }, 'log follow failed');
        res.end(`${JSON.stringify({ error: { code: 'MICRO_ERR_INTERNAL', message: 'reading logs failed' } })}\n`);
        stop();
      },
    );
  };
  loop();
}
