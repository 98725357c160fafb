// Numbers, durations and times as people read them; one time zone for the whole console.
const zoneKey = 'micro.zone';
export const zone = (): 'local' | 'UTC' => (localStorage.getItem(zoneKey) === 'UTC' ? 'UTC' : 'local');
export const setZone = (z: 'local' | 'UTC'): void => localStorage.setItem(zoneKey, z);

export function time(ms: number, withDate = true): string {
  const d = new Date(ms);
  const opts: Intl.DateTimeFormatOptions = {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    ...(zone() === 'UTC' ? { timeZone: 'UTC' } : {}),
  };
  return new Intl.DateTimeFormat('sv-SE', opts).format(d) + (zone() === 'UTC' ? ' UTC' : '');
}

export function ago(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return `in ${duration(-s * 1000)}`;
  if (s < 5) return 'just now';
  return `${duration(s * 1000)} ago`;
}

/** 850 µs, 12.3 ms, 1.20 s, 3m 20s, 2h 5m, 3d 4h. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(2)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * A rate per minute: one decimal from one a minute up, two significant digits below it (a service
 * called three times in an hour is 0.05/min, not 0.0/min), in the same unit as its neighbours.
 * The CLI's cli/output.ts has the same rule; the console's bundle takes nothing from outside src/.
 */
function perMinute(perSecond: number): string {
  const n = perSecond * 60;
  return n >= 1 || n <= 0 ? n.toFixed(1) : String(Number(n.toPrecision(2)));
}

export function rate(perSecond: number): string {
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  return `${perMinute(perSecond)}/min`;
}
export const percent = (fraction: number): string => `${(fraction * 100).toFixed(fraction < 0.1 ? 2 : 1)}%`;

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}
