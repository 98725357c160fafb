// The first start: the `default` namespace gets an admin token, saved in the data directory and
// readable by its owner only, for the `micro` command on the same machine.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { adminTokenFile, readLocalToken } from '../config/index.js';
import type { TokenBook } from './tokens.js';

/** Makes sure the saved admin token works; creates (and saves) one when it does not. */
export async function ensureAdminToken(
  book: TokenBook,
  dataDir: string,
  now: number,
): Promise<{ created: boolean; id: string }> {
  const saved = readLocalToken(dataDir);
  const auth = saved ? book.authenticate(saved, now) : null;
  if (auth?.ok && auth.token.scope === 'admin') return { created: false, id: auth.token.id };
  const { token, secret } = await book.create(
    { namespace: 'default', scope: 'admin', name: 'local admin (data dir)', expiresAt: null },
    'server',
    now,
  );
  const file = adminTokenFile(dataDir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { created: true, id: token.id };
}
