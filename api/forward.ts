// Several servers on one store: one alerting process leads each namespace (its alert book, its
// pager). A request that needs that book, made to another process, is forwarded to the leader
// and its answer passed back, as Vault's standbys and Nomad's followers do. A forwarded request
// is never forwarded again: a process that receives one and does not lead answers 503, as it
// does while no process leads the namespace (during a failover).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

export const FORWARDED_HEADER = 'x-micro-forwarded-by';

/** Thrown where a namespace's alerting is needed and runs in another process. */
export class LeaderElsewhere extends Error {
  constructor(readonly namespace: string) {
    super(`another process leads the alerting of namespace ${namespace}`);
  }
}

/** Headers passed to the leader and back; hop-by-hop ones and the length are the fetch's own. */
const REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'user-agent',
  'x-slack-request-timestamp',
  'x-slack-signature',
];
const ANSWER_HEADERS = ['content-type', 'retry-after', 'location', 'cache-control', 'www-authenticate'];

function bodyOf(req: FastifyRequest): string | undefined {
  if (req.method === 'GET' || req.method === 'HEAD' || req.body === undefined || req.body === null) return undefined;
  if (typeof req.body === 'string') return req.body;
  if (String(req.headers['content-type'] ?? '').includes('json')) return JSON.stringify(req.body);
  return '';
}

export async function forwardToLeader(
  req: FastifyRequest,
  reply: FastifyReply,
  namespace: string,
  leaderOf: (namespace: string) => Promise<string | null>,
  self: string,
): Promise<FastifyReply> {
  const leader = req.headers[FORWARDED_HEADER] ? null : await leaderOf(namespace);
  if (!leader || leader === self) {
    reply.header('retry-after', '2');
    throw new ApiError(
      'NOT_READY',
      `no alerting process leads namespace ${namespace} right now (one is taking over); try again in a moment`,
    );
  }
  const headers: Record<string, string> = { [FORWARDED_HEADER]: self };
  for (const h of REQUEST_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  let answer: Response;
  try {
    answer = await fetch(new URL(req.url, leader), {
      method: req.method,
      headers,
      body: bodyOf(req),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    reply.header('retry-after', '2');
    throw new ApiError(
      'NOT_READY',
      `the process leading namespace ${namespace} did not answer (${(err as Error).message}); try again in a moment`,
    );
  }
  for (const h of ANSWER_HEADERS) {
    const v = answer.headers.get(h);
    if (v !== null) reply.header(h, v);
  }
  return reply.code(answer.status).send(Buffer.from(await answer.arrayBuffer()));
}
