// Prometheus Remote-Write requests, 1.0 (prometheus.WriteRequest, with metadata when sent) and
// 2.0 (io.prometheus.write.v2.Request: interned symbols, inline metadata, created timestamps,
// native histograms), decoded by field number into one model.
import protobuf from 'protobufjs/minimal.js';
import { MalformedInputError } from '../../decode-context.js';

export type PromType =
  | 'unknown'
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset';
const TYPES: PromType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

export interface PromMeta {
  type: PromType;
  help: string;
  unit: string;
}

/** A native histogram, its buckets already absolute counts. */
export interface NativeHistogram {
  timestampMs: number;
  count: number;
  sum: number;
  schema: number;
  zeroCount: number;
  /** Prometheus bucket index of the first count, and the counts (gaps filled with zeros). */
  positive: { start: number; counts: number[] };
  negative: { start: number; counts: number[] };
}

export interface PromSeries {
  labels: Record<string, string>;
  samples: Array<{ value: number; timestampMs: number }>;
  histograms: NativeHistogram[];
  meta?: PromMeta;
  createdMs?: number;
}

export interface PromWrite {
  series: PromSeries[];
  /** 1.0: metadata by metric family, when Prometheus sends it (separately, by default). */
  metadata: Map<string, PromMeta>;
}

type R = protobuf.Reader;
const int64 = (r: R): number => Number(r.int64().toString());

function sample(r: R, end: number): { value: number; timestampMs: number } {
  const s = { value: 0, timestampMs: 0 };
  while (r.pos < end) {
    const t = r.uint32();
    if (t >>> 3 === 1 && (t & 7) === 1) s.value = r.double();
    else if (t >>> 3 === 2 && (t & 7) === 0) s.timestampMs = int64(r);
    else r.skipType(t & 7);
  }
  return s;
}

/** Spans and deltas (or counts) into absolute counts from the first bucket index. */
function expand(
  spans: Array<[number, number]>,
  deltas: number[],
  counts: number[],
): { start: number; counts: number[] } {
  const out: number[] = [];
  let index = 0;
  let start = 0;
  let k = 0;
  let running = 0;
  spans.forEach(([offset, length], i) => {
    index += offset;
    if (i === 0) start = index;
    else for (let g = 0; g < offset; g++) out.push(0);
    for (let j = 0; j < length; j++, k++) {
      if (counts.length > 0) out.push(counts[k] ?? 0);
      else {
        running += deltas[k] ?? 0;
        out.push(running);
      }
    }
    index += length;
  });
  return { start, counts: out };
}

function nativeHistogram(r: R, end: number): NativeHistogram {
  const h = { timestampMs: 0, count: 0, sum: 0, schema: 0, zeroCount: 0 };
  const pos: Array<[number, number]> = [];
  const neg: Array<[number, number]> = [];
  const lists = { pd: [] as number[], pc: [] as number[], nd: [] as number[], nc: [] as number[] };
  const span = (into: Array<[number, number]>) => {
    const e = r.uint32() + r.pos;
    let offset = 0;
    let length = 0;
    while (r.pos < e) {
      const t = r.uint32();
      if (t >>> 3 === 1) offset = r.sint32();
      else if (t >>> 3 === 2) length = r.uint32();
      else r.skipType(t & 7);
    }
    into.push([offset, length]);
  };
  const packed = (into: number[], read: () => number, wt: number) => {
    if (wt !== 2) return void into.push(read());
    const e = r.uint32() + r.pos;
    while (r.pos < e) into.push(read());
  };
  while (r.pos < end) {
    const t = r.uint32();
    const wt = t & 7;
    switch (t >>> 3) {
      case 1:
        h.count = Number(r.uint64().toString());
        break;
      case 2:
        h.count = r.double();
        break;
      case 3:
        h.sum = r.double();
        break;
      case 4:
        h.schema = r.sint32();
        break;
      case 6:
        h.zeroCount = Number(r.uint64().toString());
        break;
      case 7:
        h.zeroCount = r.double();
        break;
      case 8:
        span(neg);
        break;
      case 9:
        packed(lists.nd, () => Number(r.sint64().toString()), wt);
        break;
      case 10:
        packed(lists.nc, () => r.double(), wt);
        break;
      case 11:
        span(pos);
        break;
      case 12:
        packed(lists.pd, () => Number(r.sint64().toString()), wt);
        break;
      case 13:
        packed(lists.pc, () => r.double(), wt);
        break;
      case 15:
        h.timestampMs = int64(r);
        break;
      default:
        r.skipType(wt);
    }
  }
  return { ...h, positive: expand(pos, lists.pd, lists.pc), negative: expand(neg, lists.nd, lists.nc) };
}

function guard<T>(body: Buffer, what: string, read: (r: R) => T): T {
  try {
    return read(protobuf.Reader.create(body));
  } catch (err) {
    throw new MalformedInputError(`not a ${what}: ${(err as Error).message}`);
  }
}

/** Remote-Write 1.0: prometheus.WriteRequest. */
export function decodeWriteRequestV1(body: Buffer): PromWrite {
  return guard(body, 'prometheus.WriteRequest', (r) => {
    const out: PromWrite = { series: [], metadata: new Map() };
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 === 1 && (t & 7) === 2) {
        const end = r.uint32() + r.pos;
        const s: PromSeries = { labels: {}, samples: [], histograms: [] };
        while (r.pos < end) {
          const f = r.uint32();
          const e = (f & 7) === 2 ? r.uint32() + r.pos : 0;
          if (f >>> 3 === 1) {
            let name = '';
            let value = '';
            while (r.pos < e) {
              const l = r.uint32();
              if (l >>> 3 === 1) name = r.string();
              else if (l >>> 3 === 2) value = r.string();
              else r.skipType(l & 7);
            }
            s.labels[name] = value;
          } else if (f >>> 3 === 2) s.samples.push(sample(r, e));
          else if (f >>> 3 === 4) s.histograms.push(nativeHistogram(r, e));
          else if ((f & 7) === 2) r.pos = e;
          else r.skipType(f & 7);
        }
        out.series.push(s);
      } else if (t >>> 3 === 3 && (t & 7) === 2) {
        const end = r.uint32() + r.pos;
        const m: PromMeta & { family: string } = { type: 'unknown', help: '', unit: '', family: '' };
        while (r.pos < end) {
          const f = r.uint32();
          if (f >>> 3 === 1) m.type = TYPES[r.int32()] ?? 'unknown';
          else if (f >>> 3 === 2) m.family = r.string();
          else if (f >>> 3 === 4) m.help = r.string();
          else if (f >>> 3 === 5) m.unit = r.string();
          else r.skipType(f & 7);
        }
        out.metadata.set(m.family, { type: m.type, help: m.help, unit: m.unit });
      } else r.skipType(t & 7);
    }
    return out;
  });
}

/** Remote-Write 2.0: io.prometheus.write.v2.Request. */
export function decodeWriteRequestV2(body: Buffer): PromWrite {
  return guard(body, 'io.prometheus.write.v2.Request', (r) => {
    const symbols: string[] = [];
    const raw: Array<{
      refs: number[];
      samples: PromSeries['samples'];
      histograms: NativeHistogram[];
      meta: [number, number, number];
      created: number;
    }> = [];
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 === 4 && (t & 7) === 2) symbols.push(r.string());
      else if (t >>> 3 === 5 && (t & 7) === 2) {
        const end = r.uint32() + r.pos;
        const s = {
          refs: [] as number[],
          samples: [] as PromSeries['samples'],
          histograms: [] as NativeHistogram[],
          meta: [0, 0, 0] as [number, number, number],
          created: 0,
        };
        while (r.pos < end) {
          const f = r.uint32();
          const wt = f & 7;
          if (f >>> 3 === 1) {
            if (wt === 2) {
              const e = r.uint32() + r.pos;
              while (r.pos < e) s.refs.push(r.uint32());
            } else s.refs.push(r.uint32());
          } else if (f >>> 3 === 2) s.samples.push(sample(r, r.uint32() + r.pos));
          else if (f >>> 3 === 3) s.histograms.push(nativeHistogram(r, r.uint32() + r.pos));
          else if (f >>> 3 === 5) {
            const e = r.uint32() + r.pos;
            while (r.pos < e) {
              const m = r.uint32();
              if (m >>> 3 === 1) s.meta[0] = r.int32();
              else if (m >>> 3 === 3) s.meta[1] = r.uint32();
              else if (m >>> 3 === 4) s.meta[2] = r.uint32();
              else r.skipType(m & 7);
            }
          } else if (f >>> 3 === 6) s.created = int64(r);
          else r.skipType(wt);
        }
        raw.push(s);
      } else r.skipType(t & 7);
    }
    const sym = (i: number): string => {
      const v = symbols[i];
      if (v === undefined)
        throw new MalformedInputError(`symbol reference ${i} is out of range (${symbols.length} symbols)`);
      return v;
    };
    const series = raw.map((s): PromSeries => {
      if (s.refs.length % 2 !== 0) throw new MalformedInputError('labels_refs must hold name and value pairs');
      const labels: Record<string, string> = {};
      for (let i = 0; i < s.refs.length; i += 2) labels[sym(s.refs[i]!)] = sym(s.refs[i + 1]!);
      return {
        labels,
        samples: s.samples,
        histograms: s.histograms,
        createdMs: s.created || undefined,
        // Reference 0 is the empty string the spec puts first (a sender may send no symbols at all).
        meta: {
          type: TYPES[s.meta[0]] ?? 'unknown',
          help: s.meta[1] ? sym(s.meta[1]) : '',
          unit: s.meta[2] ? sym(s.meta[2]) : '',
        },
      };
    });
    return { series, metadata: new Map() };
  });
}
