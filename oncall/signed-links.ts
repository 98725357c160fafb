// Signed links that work without logging in: a one-click acknowledge link for one firing episode
// of one alert (expiring), and calendar feed links. HMAC-SHA256 over the payload, compared in
// constant time; the key lives in the data directory (or the configuration), never in a link.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface AckClaim {
  namespace: string;
  alertKey: string;
  /** The firing episode the link belongs to: a link from an earlier episode acknowledges nothing. */
  firedAt: number;
  /** Who the page went to (shown as who acknowledged). */
  recipient: string;
  expiresAt: number;
}

export type Verified<T> = { ok: true; claim: T } | { ok: false; reason: 'invalid' | 'expired' };

const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

function sign(key: Buffer, purpose: string, payload: string): string {
  return createHmac('sha256', key).update(`${purpose}\u0000${payload}`).digest('base64url');
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function ackToken(key: Buffer, c: AckClaim): string {
  const payload = b64(JSON.stringify([c.namespace, c.alertKey, c.firedAt, c.recipient, c.expiresAt]));
  return `${payload}.${sign(key, 'ack', payload)}`;
}

export function verifyAckToken(key: Buffer, token: string, now: number): Verified<AckClaim> {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined || !sameSignature(sig, sign(key, 'ack', payload)))
    return { ok: false, reason: 'invalid' };
  try {
    const [namespace, alertKey, firedAt, recipient, expiresAt] = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    ) as [string, string, number, string, number];
    if (now >= expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, claim: { namespace, alertKey, firedAt, recipient, expiresAt } };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}

/** Which namespace a link says it is for (unverified: only to find who verifies it). */
export function ackTokenNamespace(token: string): string | null {
  try {
    const ns = (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown[])[0];
    return typeof ns === 'string' ? ns : null;
  } catch {
    return null;
  }
}

/** The token in a calendar feed's URL: it names what the feed shows and grants reading only that. */
export function feedToken(key: Buffer, namespace: string, kind: 'schedule' | 'user', id: string): string {
  return sign(key, 'ical', JSON.stringify([namespace, kind, id])).slice(0, 32);
}

export function verifyFeedToken(
  key: Buffer,
  namespace: string,
  kind: 'schedule' | 'user',
  id: string,
  token: string,
): boolean {
  return sameSignature(token, feedToken(key, namespace, kind, id));
}

/**
 * The signing key: `MICRO_SIGNING_KEY` when set (servers sharing a store share it), otherwise one
 * made at first start and kept in the data directory, readable by its owner only.
 */
export function loadSigningKey(dataDir: string, fromEnv = process.env.MICRO_SIGNING_KEY): Buffer {
  if (fromEnv) return Buffer.from(fromEnv, 'utf8');
  const file = path.join(dataDir, 'secrets', 'signing-key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return key;
  }
}

/**
 * A secret kept in the store (the SMTP password given to `micro apply`), sealed with AES-256-GCM
 * under a key derived from the signing key, so the store never holds it in plain text. The IV is
 * derived from the secret itself: sealing the same password again gives the same text, so an
 * unchanged file applies as "unchanged".
 */
export function sealSecret(signingKey: Buffer, secret: string): string {
  const key = createHmac('sha256', signingKey).update('micro-observe secret seal v1').digest();
  const iv = createHmac('sha256', key).update(secret).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `v1.${b64(iv)}.${b64(body)}.${b64(cipher.getAuthTag())}`;
}

/** The secret a sealed text holds, or null if it was not sealed with this key. */
export function openSecret(signingKey: Buffer, sealed: string): string | null {
  const [v, iv, body, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || !body || !tag) return null;
  try {
    const key = createHmac('sha256', signingKey).update('micro-observe secret seal v1').digest();
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
