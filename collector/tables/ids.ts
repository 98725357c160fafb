// Trace and span ids and durations as the otel_* rows hold them, whatever the receiver.
import type { Str } from '../../store/index.js';

/** Ids are raw bytes from protobuf (written as hex) or hex text from JSON. */
export type Id = Uint8Array | string;

export function writeId(w: { str(v: Str): void; hex(v: Uint8Array): void }, v: Id): void {
  if (typeof v === 'string') w.str(v);
  else w.hex(v);
}

/** An id with no byte set (empty, or all zeros), which OTLP calls invalid. */
export function isZeroId(v: Id): boolean {
  if (typeof v === 'string') return /^0*$/.test(v);
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

export function durationNanos(sLo: number, sHi: number, eLo: number, eHi: number): number {
  const d = (eHi - sHi) * 4294967296 + (eLo - sLo);
  return Math.max(d, 0);
}
