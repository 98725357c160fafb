// How the CLI reaches the API: --api (or MICRO_API), errors turned into one sentence.
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { readLocalToken } from '../config/index.js';

export const DEFAULT_API = 'http://127.0.0.1:8080';

/** Who is using the CLI, for acknowledgements, silences and applies: MICRO_USER, else the login name. */
export const currentUser = (): string => process.env.MICRO_USER ?? userInfo().username;

/** A failure the CLI reports with one sentence and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface CommonOptions {
  api: string;
  output: 'table' | 'json';
  /** Act on this namespace (the `default` namespace's admin only); the token's own when absent. */
  namespace?: string;
}

export function withCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--api <url>', 'the micro-observe API').env('MICRO_API').default(DEFAULT_API))
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addOption(
      new Option(
        '--namespace <name>',
        "act on this namespace (the default namespace's admin may act on any; default: the token's own)",
      ).env('MICRO_NAMESPACE'),
    );
}

function describeNetworkError(err: unknown, api: string): string {
  // undici puts the socket's error code on `cause`, or on each of `cause.errors` (IPv4 and IPv6).
  const cause = (err as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? (err as { code?: string }).code;
  if (code === 'ECONNREFUSED')
    return `cannot reach the micro-observe API at ${api}: connection refused (is \`micro server\` running? set --api or MICRO_API)`;
  if (code === 'ENOTFOUND') return `cannot reach the micro-observe API at ${api}: unknown host`;
  const detail = (cause as { message?: string } | undefined)?.message;
  return `cannot reach the micro-observe API at ${api}: ${(err as Error).message}${detail ? ` (${detail})` : ''}`;
}

export function apiUrl(
  api: string,
  path: string,
  query: Record<string, string | number | boolean | string[] | undefined> = {},
): URL {
  let url: URL;
  try {
    url = new URL(path, api.endsWith('/') ? api : `${api}/`);
  } catch {
    throw new CliError(`--api: "${api}" is not a URL such as ${DEFAULT_API}`, 2);
  }
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === false) continue;
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  }
  return url;
}

/**
 * The token the CLI sends: MICRO_TOKEN, or else the admin token the server saved in its data
 * directory (MICRO_DATA_DIR, default ./data) when run on the same machine.
 */
export function cliToken(): string | null {
  return process.env.MICRO_TOKEN || readLocalToken(process.env.MICRO_DATA_DIR ?? './data');
}

/** The header that asks to act on another namespace than the token's (the default admin's right). */
export const NAMESPACE_HEADER = 'x-micro-namespace';

export async function apiRequest(
  url: URL,
  opts: Pick<CommonOptions, 'api' | 'namespace'>,
  init: RequestInit = {},
): Promise<Response> {
  let res: Response;
  const api = opts.api;
  const token = cliToken();
  const headers = new Headers(init.headers);
  if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  if (opts.namespace) headers.set(NAMESPACE_HEADER, opts.namespace);
  try {
    res = await fetch(url, { ...init, headers });
  } catch (err) {
    throw new CliError(describeNetworkError(err, api));
  }
  if (!res.ok) {
    const text = await res.text();
    let message = `the API answered ${res.status}`;
    try {
      const body = JSON.parse(text) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      /* not JSON: keep the status */
    }
    if (res.status === 401 && !token) message += " (set MICRO_TOKEN, or MICRO_DATA_DIR to the server's data directory)";
    throw new CliError(message);
  }
  return res;
}

export async function getJson<T>(
  opts: CommonOptions,
  path: string,
  query: Parameters<typeof apiUrl>[2] = {},
): Promise<T> {
  const res = await apiRequest(apiUrl(opts.api, path, query), opts);
  return (await res.json()) as T;
}

export async function postJson<T>(opts: CommonOptions, path: string, body: unknown = {}): Promise<T> {
  const res = await apiRequest(apiUrl(opts.api, path), opts, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
}

export async function deleteJson<T>(opts: CommonOptions, path: string): Promise<T> {
  const res = await apiRequest(apiUrl(opts.api, path), opts, { method: 'DELETE' });
  return (await res.json()) as T;
}
