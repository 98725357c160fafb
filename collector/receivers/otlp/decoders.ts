// The OTLP decoders by signal and encoding, shared by the request's own thread and the decode pool.
import type { RequestRows, Signal } from '../../rows.js';
import { decodeLogsJson } from './logs/decode-json.js';
import { decodeLogsProto } from './logs/decode-proto.js';
import { decodeMetricsJson } from './metrics/decode-json.js';
import { decodeMetricsProto } from './metrics/decode-proto.js';
import { decodeTracesJson } from './traces/decode-json.js';
import { decodeTracesProto } from './traces/decode-proto.js';

export type Encoding = 'protobuf' | 'json';
export type Decoder = (body: Buffer, namespace: string, out: RequestRows) => void;

export const OTLP_DECODERS: Record<Signal, Record<Encoding, Decoder>> = {
  traces: { protobuf: decodeTracesProto, json: decodeTracesJson },
  logs: { protobuf: decodeLogsProto, json: decodeLogsJson },
  metrics: { protobuf: decodeMetricsProto, json: decodeMetricsJson },
};
