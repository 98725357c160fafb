// Console sessions and one-time sign-in links: each stands for the token it was made with. Kept
// by the SHA-256 of its secret; ending one (logout, a link used) writes a newer version.
import { dateTime64Text } from './datetime.js';
import type { Store } from './store.js';
import { nextVersion } from './versions.js';

export type SessionKind = 'session' | 'link';

export interface SessionRow {
  idHash: string;
  kind: SessionKind;
  tokenId: string;
  createdAt: number;
  expiresAt: number;
  /** 0 while it lasts. */
  endedAt: number;
}

export async function saveSession(store: Pick<Store, 'insertJson'>, s: SessionRow): Promise<void> {
  await store.insertJson('micro_sessions', [
    {
      IdHash: s.idHash,
      Version: nextVersion(),
      Kind: s.kind,
      TokenId: s.tokenId,
      CreatedAt: dateTime64Text(s.createdAt),
      ExpiresAt: dateTime64Text(s.expiresAt),
      EndedAt: dateTime64Text(s.endedAt),
    },
  ]);
}

/** The newest version of one session or link, by the hash of its secret. */
export async function findSession(store: Pick<Store, 'query'>, idHash: string): Promise<SessionRow | null> {
  const rows = await store.query<{
    kind: SessionKind;
    tokenId: string;
    createdAt: string;
    expiresAt: string;
    endedAt: string;
  }>(
    `SELECT argMax(Kind, Version) AS kind, argMax(TokenId, Version) AS tokenId,
       toString(toUnixTimestamp64Milli(argMax(CreatedAt, Version))) AS createdAt,
       toString(toUnixTimestamp64Milli(argMax(ExpiresAt, Version))) AS expiresAt,
       toString(toUnixTimestamp64Milli(argMax(EndedAt, Version))) AS endedAt
     FROM micro_sessions WHERE IdHash = {id:String} GROUP BY IdHash`,
    { id: idHash },
  );
  const r = rows[0];
  if (!r) return null;
  return {
    idHash,
    kind: r.kind,
    tokenId: r.tokenId,
    createdAt: Number(r.createdAt),
    expiresAt: Number(r.expiresAt),
    endedAt: Number(r.endedAt),
  };
}
