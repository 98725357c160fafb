// Durations ("7d", "200ms", "1w") and sizes ("16MiB", "256mb") as config values.
import bytes from 'bytes';
import ms from 'ms';
import { z } from 'zod';

/** The longest duration taken anywhere (100 years): longer ones overflow nanosecond columns. */
export const MAX_DURATION_MS = 100 * 365.25 * 86400_000;

export function parseDuration(v: string | number): number | null {
  const n = typeof v === 'number' ? v : ms(v.trim() as ms.StringValue);
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= MAX_DURATION_MS ? n : null;
}

/** A duration in milliseconds, written as "7d", "12h", "500ms" or a number of milliseconds. */
export const durationMs = (min = 0) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = parseDuration(v);
    if (n === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${v}" is not a duration of at most 100 years: write it like 500ms, 30s, 15m, 12h, 7d or 1w`,
      });
      return z.NEVER;
    }
    if (n < min) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is too short: the least is ${ms(min, { long: true })}` });
      return z.NEVER;
    }
    return n;
  });

/** A size in bytes, written as "16MiB", "512kb" or a number of bytes. */
export const byteSize = (min = 1) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : bytes.parse(v.replace(/iB$/i, 'B'));
    if (n === null || !Number.isFinite(n) || n < min) {
      ctx.addIssue({
        code: 'custom',
        message: `"${v}" is not a size of at least ${bytes.format(min)}: write it like 16MiB or 512KiB`,
      });
      return z.NEVER;
    }
    return Math.floor(n);
  });
