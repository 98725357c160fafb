// Console sessions: a browser signs in with a token (or a one-time link made for one) and gets a
// session cookie that stands for that token: its namespace and scope apply to everything, and
// revoking the token ends its sessions. Sessions and links are stored by the SHA-256 of their
// secret with an expiry, so a copy of the store signs no one in; several servers share them.
import { createHash, randomBytes } from 'node:crypto';
import { findSession, saveSession, type SessionKind, type SessionRow, type Store } from '../store/index.js';
import type { TokenBook, TokenView } from './tokens.js';

export const SESSION_TTL_MS = 12 * 3600_000;
export const LINK_TTL_MS = 15 * 60_000;
/** A session looked up is trusted this long before the store is asked again (logout elsewhere). */
const CACHE_MS = 10_000;

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const secret = (): string => randomBytes(32).toString('base64url');

export interface SessionBook {
  /** A session for a token (already authenticated by the caller); its secret goes in the cookie. */
  open(token: TokenView, now: number): Promise<{ id: string; expiresAt: number }>;
  /** A one-time sign-in link's code, for a token. */
  link(token: TokenView, now: number): Promise<{ code: string; expiresAt: number }>;
  /** Uses a link (once): a session for its token, or null when the link is unknown, used or expired. */
  redeem(code: string, now: number): Promise<{ id: string; expiresAt: number; token: TokenView } | null>;
  /** The token a session cookie stands for, while both are valid. */
  resolve(id: string, now: number): Promise<TokenView | null>;
  end(id: string, now: number): Promise<void>;
}

export function createSessionBook(
  store: Pick<Store, 'query' | 'insertJson'>,
  tokens: () => TokenBook | null,
): SessionBook {
  const cache = new Map<string, { row: SessionRow | null; at: number }>();
  async function lookup(idHash: string): Promise<SessionRow | null> {
    const hit = cache.get(idHash);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.row;
    const row = await findSession(store, idHash);
    if (cache.size > 10_000) cache.clear();
    cache.set(idHash, { row, at: Date.now() });
    return row;
  }
  async function create(kind: SessionKind, token: TokenView, now: number, ttl: number) {
    const id = secret();
    const row: SessionRow = {
      idHash: hash(id),
      kind,
      tokenId: token.id,
      createdAt: now,
      expiresAt: now + ttl,
      endedAt: 0,
    };
    await saveSession(store, row);
    cache.set(row.idHash, { row, at: Date.now() });
    return { id, expiresAt: row.expiresAt };
  }
  const activeToken = (row: SessionRow | null, kind: SessionKind, now: number): TokenView | null => {
    if (!row || row.kind !== kind || row.endedAt || now >= row.expiresAt) return null;
    const t = tokens()?.get(row.tokenId, now);
    return t?.state === 'active' ? t : null;
  };
  return {
    open: (token, now) => create('session', token, now, SESSION_TTL_MS),
    async link(token, now) {
      const { id, expiresAt } = await create('link', token, now, LINK_TTL_MS);
      return { code: id, expiresAt };
    },
    async redeem(code, now) {
      const idHash = hash(code);
      cache.delete(idHash);
      const row = await lookup(idHash);
      const token = activeToken(row, 'link', now);
      if (!row || !token) return null;
      const used = { ...row, endedAt: now };
      await saveSession(store, used);
      cache.set(idHash, { row: used, at: Date.now() });
      return { ...(await create('session', token, now, SESSION_TTL_MS)), token };
    },
    async resolve(id, now) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
      return activeToken(await lookup(hash(id)), 'session', now);
    },
    async end(id, now) {
      const idHash = hash(id);
      const row = await lookup(idHash);
      if (!row || row.endedAt) return;
      const ended = { ...row, endedAt: now };
      await saveSession(store, ended);
      cache.set(idHash, { row: ended, at: Date.now() });
    },
  };
}
