// Giving back the embedded engine's startup pages. libchdb is a 540 MB library; loading it runs
// its 2,658 static initialisers, which touch ~136 MB of its code once, spread over 380 MB, and the
// dynamic loader reads its 31 MB relocation table once. Those pages stay counted in the server's
// resident memory though an idle server never uses them again. Once started, the server tells the
// kernel they are cold (madvise MADV_PAGEOUT, Linux 5.4): the kernel drops them, and the pages
// the engine does use again come back on first use, once (the first query after start took ~80
// ms longer; figures in the README's "The store"). Only mappings of the file itself are advised:
// nothing anonymous (data, or pages copied on write) is paged out, so nothing goes to swap.
import { readFileSync } from 'node:fs';

export type EnginePageOut =
  | { outcome: 'done'; advisedBytes: number; rssBeforeBytes: number; rssAfterBytes: number }
  | { outcome: 'skipped'; reason: string };

export interface EngineMapping {
  start: bigint;
  end: bigint;
}

const MADV_PAGEOUT = 21;
const ENGINE_LIBRARY = /\/libchdb[^/]*\.so[^/]*$/;

/**
 * The engine library's mappings worth paging out, from /proc/<pid>/smaps: read-only or code, and
 * holding only the file's own pages (no page copied on write, as relocated read-only data is).
 */
export function coldEngineMappings(smaps: string): EngineMapping[] {
  const found: EngineMapping[] = [];
  let current: { start: bigint; end: bigint; eligible: boolean } | null = null;
  const close = () => {
    if (current?.eligible) found.push({ start: current.start, end: current.end });
    current = null;
  };
  for (const line of smaps.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) ([-rwxps]{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      close();
      const [, start, end, perms, file] = header;
      current = {
        start: BigInt(`0x${start}`),
        end: BigInt(`0x${end}`),
        eligible: ENGINE_LIBRARY.test(file!) && perms![1] === '-' && perms![0] === 'r',
      };
      continue;
    }
    const anonymous = /^Anonymous:\s+(\d+) kB/.exec(line);
    if (anonymous && current && Number(anonymous[1]) > 0) current.eligible = false;
  }
  close();
  return found;
}

/** Pages out the engine library's startup pages in this process (see the top of this file). */
export async function pageOutEngineStartup(): Promise<EnginePageOut> {
  if (process.platform !== 'linux') return { outcome: 'skipped', reason: 'only Linux has MADV_PAGEOUT' };
  let mappings: EngineMapping[];
  try {
    mappings = coldEngineMappings(readFileSync('/proc/self/smaps', 'utf8'));
  } catch (err) {
    return { outcome: 'skipped', reason: `/proc/self/smaps is not readable (${(err as Error).message})` };
  }
  if (mappings.length === 0) return { outcome: 'skipped', reason: 'the embedded engine is not loaded in this process' };
  let madvise: (addr: bigint, len: bigint, advice: number) => number;
  try {
    const koffi = (await import('koffi')).default;
    madvise = koffi.load('libc.so.6').func('int madvise(uintptr_t addr, size_t len, int advice)') as typeof madvise;
  } catch (err) {
    return { outcome: 'skipped', reason: `libc's madvise could not be loaded (${(err as Error).message})` };
  }
  const rssBeforeBytes = process.memoryUsage.rss();
  let advisedBytes = 0;
  try {
    for (const m of mappings) {
      // A kernel before 5.4 refuses the advice (EINVAL); nothing is changed then.
      if (madvise(m.start, m.end - m.start, MADV_PAGEOUT) === 0) advisedBytes += Number(m.end - m.start);
    }
  } catch (err) {
    // Only a pity: the pages stay resident, and the server runs as it would without this.
    return { outcome: 'skipped', reason: `madvise could not be called (${(err as Error).message})` };
  }
  if (advisedBytes === 0) return { outcome: 'skipped', reason: 'the kernel refused MADV_PAGEOUT (Linux 5.4 or later)' };
  return { outcome: 'done', advisedBytes, rssBeforeBytes, rssAfterBytes: process.memoryUsage.rss() };
}
