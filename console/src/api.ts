// The console speaks to the API of the server that served it, signed in by its session cookie
// (HttpOnly: scripts never see it). Changes carry the Origin header the browser sets itself.
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onSignedOut: () => void = () => undefined;
export const whenSignedOut = (f: () => void): void => {
  onSignedOut = f;
};

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const message = (data as { error?: { message?: string } })?.error?.message ?? `${res.status} ${res.statusText}`;
    if (res.status === 401) onSignedOut();
    throw new ApiFailure(res.status, message);
  }
  return data as T;
}

/** A query string from defined values (arrays repeat the key). */
export function qs(params: Record<string, string | number | boolean | undefined | string[]>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '' || v === false) continue;
    for (const x of Array.isArray(v) ? v : [v]) u.append(k, String(x));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

export interface Me {
  namespace: string;
  scope: 'read' | 'write' | 'admin' | 'ingest';
  name: string;
  session: boolean;
}

/** Whether the signed-in token may change things (buttons are shown only then; the API checks anyway). */
export const canWrite = (me: Me): boolean => me.scope === 'write' || me.scope === 'admin';
