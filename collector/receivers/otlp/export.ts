// An OTLP export, whatever the transport: the decoder for its signal and encoding, then what every
// receiver shares (collector/ingest.ts): admit, decode with a bound, store, acknowledge.
import { type IngestContext, type IngestResult, ingest } from '../../ingest.js';
import type { Signal } from '../../rows.js';
import { type Encoding, OTLP_DECODERS } from './decoders.js';

export type { Encoding } from './decoders.js';

/** `body` may be handed to a decode thread: the caller does not read it again. */
export function handleExport(
  ctx: IngestContext,
  signal: Signal,
  encoding: Encoding,
  transport: 'http' | 'grpc',
  body: Buffer,
  namespace: string,
): Promise<IngestResult> {
  const pool = ctx.decodePool;
  return ingest(ctx, signal, transport, `OTLP ${signal}`, (rows) =>
    pool
      ? pool.decode(signal, encoding, body, namespace, rows)
      : OTLP_DECODERS[signal][encoding](body, namespace, rows),
  );
}
