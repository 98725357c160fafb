// Debian's packages the tests use as real parts (chromium, zookeeper, prometheus), installed when
// missing as .ci/run does, so tests never skip; the benchmarks' peers (blackbox_exporter,
// Alertmanager) too. Two test files run at once and may install at the same moment: apt waits for
// the other's lock instead of failing; a machine whose package lists were never fetched gets them
// once, and the install is tried again.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const apt = (args: string[]): void => {
  execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
};

/** Installs `pkg` unless `file` (one of its files) is there. */
export function ensureDebianPackage(pkg: string, file: string): void {
  if (existsSync(file)) return;
  try {
    apt(['install', '-y', '-qq', pkg]);
  } catch {
    if (existsSync(file)) return; // the other test file installed it meanwhile
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', pkg]);
  }
}

/**
 * For a benchmark's peer: installs `pkg` unless `file` is there, saying so first (an install takes a
 * minute); false, with the reason printed, when it cannot be installed here (no apt, not root).
 */
export function debianPackageInstalled(pkg: string, file: string): boolean {
  if (existsSync(file)) return true;
  console.log(`  installing ${pkg} from Debian's packages (it is compared in the same run)...`);
  try {
    ensureDebianPackage(pkg, file);
    return existsSync(file);
  } catch (err) {
    console.log(`  ${pkg} could not be installed: ${(err as Error).message.split('\n')[0]}`);
    return false;
  }
}
