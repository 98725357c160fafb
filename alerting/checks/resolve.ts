// Name resolution for checks. Node's default lookup is getaddrinfo on libuv's thread pool (4
// threads, shared with the file system): a resolver that never answers fills it, and every other
// check's lookups queue behind. So checks resolve through c-ares (dns.promises.Resolver), which
// waits on sockets instead of threads, with a deadline of their own; each lookup has its own
// Resolver, cancelled when its deadline passes. The hosts file is read first, as getaddrinfo would.
import { readFile, stat } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolution = { ok: true; addresses: ResolvedAddress[] } | { ok: false; message: string };

export interface HostResolver {
  /** The addresses of `host` (an IP literal is its own), or a sentence saying why there are none. */
  resolve(host: string, timeoutMs: number): Promise<Resolution>;
}

export interface HostResolverOptions {
  /** DNS servers ("127.0.0.1:5353", "[::1]:53"); the system's (resolv.conf) when absent. */
  servers?: string[];
  /** Read before DNS, like getaddrinfo does; default /etc/hosts. */
  hostsFile?: string;
}

type HostsTable = Map<string, ResolvedAddress[]>;

export function parseHosts(text: string): HostsTable {
  const table: HostsTable = new Map();
  for (const raw of text.split('\n')) {
    const [address, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    const family = address ? isIP(address) : 0;
    if (family !== 4 && family !== 6) continue;
    for (const name of names) {
      const key = name.toLowerCase();
      const list = table.get(key) ?? [];
      if (!list.some((a) => a.address === address)) list.push({ address: address!, family });
      table.set(key, list);
    }
  }
  return table;
}

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME', 'NXDOMAIN']);

export function createHostResolver(opts: HostResolverOptions = {}): HostResolver {
  const hostsFile = opts.hostsFile ?? '/etc/hosts';
  let hosts: { mtimeMs: number; table: HostsTable } | null = null;
  const hostsTable = async (): Promise<HostsTable> => {
    try {
      const { mtimeMs } = await stat(hostsFile);
      if (hosts?.mtimeMs !== mtimeMs) hosts = { mtimeMs, table: parseHosts(await readFile(hostsFile, 'utf8')) };
      return hosts.table;
    } catch {
      return new Map();
    }
  };

  async function viaDns(host: string, timeoutMs: number): Promise<Resolution> {
    // c-ares retries on its own timer; the race below is the check's deadline.
    const resolver = new Resolver({ timeout: Math.max(100, Math.floor(timeoutMs / 2)), tries: 2 });
    if (opts.servers?.length) resolver.setServers(opts.servers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    });
    const query = async (family: 4 | 6): Promise<ResolvedAddress[]> => {
      try {
        const list = family === 4 ? await resolver.resolve4(host) : await resolver.resolve6(host);
        return list.map((address) => ({ address, family }));
      } catch (err) {
        if (NO_DATA.has((err as { code?: string }).code ?? '')) return [];
        throw err;
      }
    };
    try {
      const answer = await Promise.race([Promise.all([query(4), query(6)]), deadline]);
      if (answer === 'timeout') return { ok: false, message: `DNS lookup of ${host} timed out after ${timeoutMs} ms` };
      const addresses = answer.flat();
      return addresses.length > 0
        ? { ok: true, addresses }
        : { ok: false, message: `unknown host: DNS has no address for ${host}` };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ETIMEOUT' || code === 'ECANCELLED')
        return { ok: false, message: `DNS lookup of ${host} timed out after ${timeoutMs} ms` };
      return { ok: false, message: `DNS lookup of ${host} failed: ${code ?? (err as Error).message}` };
    } finally {
      clearTimeout(timer);
      resolver.cancel();
    }
  }

  return {
    async resolve(host, timeoutMs) {
      const bare = host.replace(/^\[(.*)\]$/, '$1');
      const family = isIP(bare);
      if (family === 4 || family === 6) return { ok: true, addresses: [{ address: bare, family }] };
      const name = bare.toLowerCase().replace(/\.$/, '');
      const fromHosts = (await hostsTable()).get(name);
      if (fromHosts) return { ok: true, addresses: fromHosts };
      return viaDns(name, Math.max(1, timeoutMs));
    },
  };
}

/** A `lookup` for net and http that answers with addresses already resolved (no second lookup). */
export function fixedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted =
      options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = wanted.length > 0 ? wanted : addresses;
    const cb = callback as (
      err: NodeJS.ErrnoException | null,
      address: string | ResolvedAddress[],
      family?: number,
    ) => void;
    process.nextTick(() => (options.all ? cb(null, [...list]) : cb(null, list[0]!.address, list[0]!.family)));
  };
}
