// Readable tables by default, JSON with -o json; figures formatted the way people read them.
import pc from 'picocolors';
import ms from 'ms';
import { parseDuration } from '../config/index.js';
import { CliError } from './api-client.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
const ANSI = /\u001b\[[0-9;]*m/g;
const width = (s: string): number => [...s.replace(ANSI, '')].length;

/** Columns aligned like `kubectl get`: headers in capitals, two spaces apart. */
export function table(headers: string[], rows: string[][], rightAligned: number[] = []): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - width(c)));
        return rightAligned.includes(i) ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [pc.bold(line(headers)), ...rows.map(line)].join('\n');
}

export function printJson(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function millis(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  if (n === 0) return '0ms';
  if (n < 1) return `${(n * 1000).toFixed(0)}µs`;
  if (n < 1000) return `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)}ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(2)}s`;
  return ms(Math.round(n));
}

export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '-';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en');
}

/**
 * A rate per minute: one decimal from one a minute up, two significant digits below it (a service
 * called three times in an hour is 0.05/min, not 0.0/min), in the same unit as its neighbours.
 */
function perMinute(perSecond: number): string {
  const n = perSecond * 60;
  return n >= 1 || n <= 0 ? n.toFixed(1) : String(Number(n.toPrecision(2)));
}

export function rate(perSecond: number): string {
  if (perSecond >= 10) return `${perSecond.toFixed(0)}/s`;
  if (perSecond >= 0.1) return `${perSecond.toFixed(2)}/s`;
  return `${perMinute(perSecond)}/min`;
}

export function ago(ms_: number | null | undefined, now = Date.now()): string {
  if (ms_ === null || ms_ === undefined || !Number.isFinite(ms_)) return '-';
  const d = Math.max(0, now - ms_);
  return d < 1000 ? 'just now' : `${ms(d)} ago`;
}

export function clock(msSinceEpoch: number): string {
  const d = new Date(msSinceEpoch);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** A duration flag in milliseconds, checked before anything is asked of the server. */
export function durationFlag(flag: string, value: string): number;
export function durationFlag(flag: string, value: string | undefined): number | undefined;
export function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = parseDuration(value);
  if (n === null)
    throw new CliError(`${flag}: "${value}" is not a duration; write it like 500ms, 30s, 15m, 2h or 7d`, 2);
  return n;
}

/** A time flag: an ISO time, `now`, or a duration from now (`2d` = in two days). */
export function timeFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined || value === 'now') return undefined;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    if (!Number.isFinite(Date.parse(value)))
      throw new CliError(`${flag}: "${value}" is not a time; write it like 2026-11-23T09:00:00Z`, 2);
    return new Date(Date.parse(value)).toISOString();
  }
  return new Date(Date.now() + durationFlag(flag, value.replace(/^\+/, ''))).toISOString();
}

export const levelColor = (level: string): string => {
  const l = level.toUpperCase();
  if (l.startsWith('ERR') || l.startsWith('FATAL') || l.startsWith('CRIT')) return pc.red(level);
  if (l.startsWith('WARN')) return pc.yellow(level);
  if (l.startsWith('DEBUG') || l.startsWith('TRACE')) return pc.dim(level);
  return level;
};

export { pc };

const BLOCKS = '▁▂▃▄▅▆▇█';

/** Values as a line of Unicode blocks, `width` wide (averaged into that many columns). */
export function sparkline(values: number[], width = 16): string {
  if (values.length === 0) return '';
  const cols: number[] = [];
  const per = values.length / Math.min(width, values.length);
  for (let c = 0; c < Math.min(width, values.length); c++) {
    const part = values.slice(Math.floor(c * per), Math.max(Math.floor((c + 1) * per), Math.floor(c * per) + 1));
    cols.push(part.reduce((a, b) => a + b, 0) / part.length);
  }
  const max = Math.max(...cols);
  if (max <= 0) return BLOCKS[0]!.repeat(cols.length);
  return cols.map((v) => BLOCKS[Math.min(BLOCKS.length - 1, Math.round((v / max) * (BLOCKS.length - 1)))]).join('');
}

/** The series of a services answer: per service, the rate (per second) and p99 (ms) per step. */
export interface ServiceSeries {
  stepMs: number;
  services: Record<string, Array<{ t: number; requests: number; p99Ms: number }>>;
}

export function trendsOf(series: ServiceSeries | null, service: string): { rate: number[]; p99Ms: number[] } {
  const points = series?.services[service] ?? [];
  const stepS = (series?.stepMs ?? 60_000) / 1000;
  return { rate: points.map((p) => p.requests / stepS), p99Ms: points.map((p) => p.p99Ms) };
}

/** A services answer with each service's trend (rate and p99 per step) beside it, for `-o json`. */
export function withTrends<S extends { service: string }, T extends { services: S[] }>(
  answer: T,
  series: ServiceSeries | null,
): T & { services: Array<S & { trend: { rate: number[]; p99Ms: number[] } }> } {
  return { ...answer, services: answer.services.map((v) => ({ ...v, trend: trendsOf(series, v.service) })) };
}
