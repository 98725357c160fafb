// An OTLP export, whatever the transport: the decoder for its signal and encoding, then what every
// receiver shares (collector/ingest.ts): admit, decode with a bound, store, acknowledge.
import { type IngestContext, type IngestResult, ingest } from '../../ingest.js';
import type { RequestRows, Signal } from '../../rows.js';
import { decodeLogsJson } from './logs/decode-json.js';
import { decodeLogsProto } from './logs/decode-proto.js';
import { decodeMetricsJson } from './metrics/decode-json.js';
import { decodeMetricsProto } from './metrics/decode-proto.js';
import { decodeTracesJson } from './traces/decode-json.js';
import { decodeTracesProto } from './traces/decode-proto.js';

export type Encoding = 'protobuf' | 'json';
export type Decoder = (body: Buffer, namespace: string, out: RequestRows) => void;

const DECODERS: Record<Signal, Record<Encoding, Decoder>> = {
  traces: { protobuf: decodeTracesProto, json: decodeTracesJson },
  logs: { protobuf: decodeLogsProto, json: decodeLogsJson },
  metrics: { protobuf: decodeMetricsProto, json: decodeMetricsJson },
};

export function handleExport(
  ctx: IngestContext,
  signal: Signal,
  encoding: Encoding,
  transport: 'http' | 'grpc',
  body: Buffer,
  namespace: string,
): Promise<IngestResult> {
  return ingest(ctx, signal, transport, `OTLP ${signal}`, (rows) => DECODERS[signal][encoding](body, namespace, rows));
}
