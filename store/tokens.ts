// Access tokens (stored by id with the hash of their secret, one row per version) and the audit
// log (token use, configuration changes).
import { dateTime64Text } from './datetime.js';
import type { Store } from './store.js';
import { nextVersion } from './versions.js';

export interface TokenRow {
  id: string;
  namespace: string;
  name: string;
  scope: string;
  /** SHA-256 of the secret, hex. */
  secretHash: string;
  createdAt: number;
  createdBy: string;
  /** 0: never. */
  expiresAt: number;
  /** 0: not revoked. */
  revokedAt: number;
}

export async function saveToken(store: Pick<Store, 'insertJson'>, t: TokenRow): Promise<void> {
  await store.insertJson('micro_tokens', [
    {
      Id: t.id,
      Version: nextVersion(),
      Namespace: t.namespace,
      Name: t.name,
      Scope: t.scope,
      SecretHash: t.secretHash,
      CreatedAt: dateTime64Text(t.createdAt),
      CreatedBy: t.createdBy,
      ExpiresAt: dateTime64Text(t.expiresAt),
      RevokedAt: dateTime64Text(t.revokedAt),
    },
  ]);
}

/** Every token, newest version of each. */
export async function loadTokens(store: Pick<Store, 'query'>): Promise<TokenRow[]> {
  const rows = await store.query<{
    id: string;
    namespace: string;
    name: string;
    scope: string;
    secretHash: string;
    createdAt: string;
    createdBy: string;
    expiresAt: string;
    revokedAt: string;
  }>(
    `SELECT Id AS id, argMax(Namespace, Version) AS namespace, argMax(Name, Version) AS name, argMax(Scope, Version) AS scope, argMax(SecretHash, Version) AS secretHash,
       toString(toUnixTimestamp64Milli(argMax(CreatedAt, Version))) AS createdAt, argMax(CreatedBy, Version) AS createdBy,
       toString(toUnixTimestamp64Milli(argMax(ExpiresAt, Version))) AS expiresAt, toString(toUnixTimestamp64Milli(argMax(RevokedAt, Version))) AS revokedAt
     FROM micro_tokens GROUP BY Id ORDER BY createdAt`,
    {},
  );
  return rows.map((r) => ({
    ...r,
    createdAt: Number(r.createdAt),
    expiresAt: Number(r.expiresAt),
    revokedAt: Number(r.revokedAt),
  }));
}

export interface AuditEvent {
  namespace: string;
  at: number;
  /** Who: a token id (and name), or `local` for the server itself. */
  actor: string;
  action: string;
  target: string;
  detail: string;
}

export async function appendAudit(store: Pick<Store, 'insertJson'>, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await store.insertJson(
    'micro_audit',
    events.map((e) => ({
      Namespace: e.namespace,
      At: dateTime64Text(e.at),
      Actor: e.actor,
      Action: e.action,
      Target: e.target,
      Detail: e.detail,
    })),
  );
}

export async function auditLog(store: Pick<Store, 'query'>, namespace: string, limit = 200): Promise<AuditEvent[]> {
  const rows = await store.query<{ at: string; actor: string; action: string; target: string; detail: string }>(
    `SELECT toString(toUnixTimestamp64Milli(At)) AS at, Actor AS actor, Action AS action, Target AS target, Detail AS detail
     FROM micro_audit WHERE Namespace = {ns:String} ORDER BY At DESC LIMIT {limit:UInt32}`,
    { ns: namespace, limit },
  );
  return rows.map((r) => ({ namespace, ...r, at: Number(r.at) }));
}

/** The last use of each token, from the audit log. */
export async function tokenLastUse(store: Pick<Store, 'query'>): Promise<Map<string, number>> {
  const rows = await store.query<{ target: string; at: string }>(
    `SELECT Target AS target, toString(toUnixTimestamp64Milli(max(At))) AS at FROM micro_audit WHERE Action = 'token.used' GROUP BY Target`,
    {},
  );
  return new Map(rows.map((r) => [r.target, Number(r.at)]));
}
