// What every receiver over HTTP shares: who may send (before the body is read), reading the body
// within its limit (gzip and friends decompressed within it too), and the Retry-After of answers
// that pass. Each receiver writes its own protocol's error body around these.
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IngestAuthorization, IngestAuthorizer } from '../ingest.js';

const gunzipAsync = promisify(gunzip);

/** A content encoding a receiver accepts: bytes in, at most `maxBytes` out. */
export type BodyDecoder = (body: Buffer, maxBytes: number) => Promise<Buffer>;

export const GZIP: BodyDecoder = (body, maxBytes) => gunzipAsync(body, { maxOutputLength: maxBytes });

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; message: string };

/** The request's body, decompressed as its Content-Encoding says, within `maxBytes`. */
export async function readBody(
  req: FastifyRequest,
  maxBytes: number,
  encodings: Readonly<Record<string, BodyDecoder>>,
): Promise<BodyResult> {
  const raw = req.body as Buffer | undefined;
  if (!raw || raw.length === 0) return { ok: false, status: 400, message: 'the request body is empty' };
  const contentEncoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (contentEncoding === 'identity') return { ok: true, body: raw };
  const decode = encodings[contentEncoding];
  if (!decode) {
    const known = Object.keys(encodings).join(', ');
    return {
      ok: false,
      status: 415,
      message: `unsupported content encoding ${JSON.stringify(contentEncoding)}: use ${known} or none`,
    };
  }
  try {
    return { ok: true, body: await decode(raw, maxBytes) };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, status: 413, message: `the decompressed body is larger than the limit of ${maxBytes} bytes` };
    }
    return {
      ok: false,
      status: 400,
      message: `the ${contentEncoding} body could not be decompressed: ${(err as Error).message}`,
    };
  }
}

/**
 * Asks the authorizer; on a refusal sets the headers every receiver sends with it
 * (WWW-Authenticate, Retry-After) and returns it for the receiver's own body.
 */
export function authorizeRequest(
  authorize: IngestAuthorizer,
  req: FastifyRequest,
  reply: FastifyReply,
): IngestAuthorization {
  const auth = authorize(req.headers.authorization, req.socket.remoteAddress ?? '');
  if (auth.ok) return auth;
  if (auth.status === 401) reply.header('www-authenticate', 'Bearer');
  if (auth.retryInMillis !== undefined) reply.header('retry-after', String(retryAfterSeconds(auth.retryInMillis)));
  return auth;
}

export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
