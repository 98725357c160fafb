// While another process migrates the shared store, this one waits for it (store/migration-lock.ts):
// says so in readiness and in the log, on the first look and every 15 s after, not at every look.
import type { Logger } from 'pino';
import type { MigrationLockNote } from '../store/index.js';

const EVERY_MS = 15_000;

export function migrationWaitReporter(
  logger: Logger,
  readiness: { migrations: { ok: boolean; detail: string } },
  now: () => number,
): (holder: MigrationLockNote) => void {
  let said: { holder: string; at: number } | null = null;
  return (h) => {
    const at = now();
    readiness.migrations = { ok: false, detail: `waiting for ${h.holder}, which migrates the schema` };
    if (said && said.holder === h.holder && at - said.at < EVERY_MS) return;
    said = { holder: h.holder, at };
    logger.info(
      { holder: h.holder, heldForMs: Math.max(0, at - h.since), lastSeenMsAgo: Math.max(0, at - h.seen) },
      'another process is migrating the schema: waiting for it to finish',
    );
  };
}
