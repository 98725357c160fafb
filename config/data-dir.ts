// What the server keeps in its data directory besides the embedded store: the admin token of the
// first start and the key that signs links. Here (not in access/) so the CLI, which reads the
// token, loads nothing of the server's.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const adminTokenFile = (dataDir: string): string => path.join(dataDir, 'secrets', 'admin-token');

export function readLocalToken(dataDir: string): string | null {
  try {
    return readFileSync(adminTokenFile(dataDir), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
