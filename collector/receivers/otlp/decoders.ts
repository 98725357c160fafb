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

/**
 * Bytes to post to or from a decode thread, and the memory to hand over with them: their own when
 * they own it whole, otherwise (a slice of node's shared pool) a copy's.
 */
export function handOver(bytes: Uint8Array): { bytes: Uint8Array; memory: ArrayBuffer } {
  const own =
    bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer;
  const out = own ? bytes : new Uint8Array(bytes);
  return { bytes: out, memory: out.buffer as ArrayBuffer };
}
