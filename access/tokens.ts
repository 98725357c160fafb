// Access tokens: `micro_<id>_<secret>`, stored as the id and the SHA-256 of the secret (the secret
// is 256 random bits, so a fast hash is enough, as for GitHub's tokens); shown once at creation.
// A token belongs to one namespace and has one scope: ingest (telemetry and heartbeats in),
// read, write (read and change), admin (everything, tokens too).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendAudit, loadTokens, saveToken, tokenLastUse, type Store, type TokenRow } from '../store/index.js';

export const SCOPES = ['ingest', 'read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Whether a token of scope `held` may do what needs `needed`. */
export function grants(held: Scope, needed: Scope): boolean {
  if (held === 'admin') return true;
  if (held === 'write') return needed === 'write' || needed === 'read';
  return held === needed;
}

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function parseToken(text: string): { id: string; secret: string } | null {
  const m = /^micro_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(text.trim());
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export interface TokenView {
  id: string;
  namespace: string;
  name: string;
  scope: Scope;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  state: 'active' | 'expired' | 'revoked';
}

export type Authentication =
  | { ok: true; token: TokenView }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired' };

export interface TokenBook {
  load(): Promise<void>;
  /**
   * Rereads the tokens when one unknown here is presented (another server on the same store may
   * have just made it): at most once a second, so unknown tokens cannot make every request a query.
   */
  refreshForUnknown(text: string | undefined): Promise<boolean>;
  create(
    input: { namespace: string; scope: Scope; name: string; expiresAt: number | null },
    by: string,
    now: number,
  ): Promise<{ token: TokenView; secret: string }>;
  revoke(id: string, by: string, now: number): Promise<TokenView | null>;
  get(id: string, now: number): TokenView | null;
  list(now: number, namespace?: string): TokenView[];
  namespaces(): string[];
  /** Checks a bearer token; a successful use is noted (in the audit log at most once a minute per token). */
  authenticate(text: string | undefined, now: number): Authentication;
  audit(namespace: string, actor: string, action: string, target: string, detail: string, now: number): Promise<void>;
}

const USE_NOTE_EVERY_MS = 60_000;

export function createTokenBook(
  store: Pick<Store, 'query' | 'insertJson'>,
  onError: (err: unknown) => void,
): TokenBook {
  const tokens = new Map<string, TokenRow>();
  const lastUsed = new Map<string, number>();
  const lastNoted = new Map<string, number>();
  let lastRefresh = Number.NEGATIVE_INFINITY;

  const view = (t: TokenRow, now: number): TokenView => ({
    id: t.id,
    namespace: t.namespace,
    name: t.name,
    scope: t.scope as Scope,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    expiresAt: t.expiresAt || null,
    revokedAt: t.revokedAt || null,
    lastUsedAt: lastUsed.get(t.id) ?? null,
    state: t.revokedAt ? 'revoked' : t.expiresAt && now >= t.expiresAt ? 'expired' : 'active',
  });

  const book: TokenBook = {
    async load() {
      for (const t of await loadTokens(store)) tokens.set(t.id, t);
      for (const [id, at] of await tokenLastUse(store)) lastUsed.set(id, at);
    },
    async refreshForUnknown(text) {
      const parsed = text ? parseToken(text) : null;
      if (!parsed || tokens.has(parsed.id) || Date.now() - lastRefresh < 1000) return false;
      lastRefresh = Date.now();
      await book.load();
      return tokens.has(parsed.id);
    },
    async create(input, by, now) {
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      const row: TokenRow = {
        id,
        namespace: input.namespace,
        name: input.name,
        scope: input.scope,
        secretHash: hash(secret),
        createdAt: now,
        createdBy: by,
        expiresAt: input.expiresAt ?? 0,
        revokedAt: 0,
      };
      await saveToken(store, row);
      tokens.set(id, row);
      await book.audit(
        input.namespace,
        by,
        'token.created',
        id,
        JSON.stringify({ name: input.name, scope: input.scope, expiresAt: input.expiresAt }),
        now,
      );
      return { token: view(row, now), secret: `micro_${id}_${secret}` };
    },
    async revoke(id, by, now) {
      const t = tokens.get(id);
      if (!t) return null;
      if (!t.revokedAt) {
        const row = { ...t, revokedAt: now };
        await saveToken(store, row);
        tokens.set(id, row);
        await book.audit(t.namespace, by, 'token.revoked', id, '', now);
      }
      return view(tokens.get(id)!, now);
    },
    get: (id, now) => (tokens.has(id) ? view(tokens.get(id)!, now) : null),
    list: (now, namespace) =>
      [...tokens.values()].filter((t) => namespace === undefined || t.namespace === namespace).map((t) => view(t, now)),
    namespaces: () => [...new Set([...tokens.values()].filter((t) => !t.revokedAt).map((t) => t.namespace))],
    authenticate(text, now) {
      if (!text) return { ok: false, reason: 'missing' };
      const parsed = parseToken(text);
      if (!parsed) return { ok: false, reason: 'malformed' };
      const t = tokens.get(parsed.id);
      const given = Buffer.from(hash(parsed.secret));
      if (!t || !timingSafeEqual(given, Buffer.from(t.secretHash))) return { ok: false, reason: 'unknown' };
      if (t.revokedAt) return { ok: false, reason: 'revoked' };
      if (t.expiresAt && now >= t.expiresAt) return { ok: false, reason: 'expired' };
      lastUsed.set(t.id, now);
      if (now - (lastNoted.get(t.id) ?? -Infinity) >= USE_NOTE_EVERY_MS) {
        lastNoted.set(t.id, now);
        book.audit(t.namespace, `token:${t.id}`, 'token.used', t.id, t.name, now).catch(onError);
      }
      return { ok: true, token: view(t, now) };
    },
    async audit(namespace, actor, action, target, detail, now) {
      await appendAudit(store, [{ namespace, at: now, actor, action, target, detail }]);
    },
  };
  return book;
}
