// When the store stops taking writes (a full disk) and when it takes them again: one log line
// each way, readiness, and the `micro_store_writable` / `micro_store_write_problem` metrics.
import type { Logger } from 'pino';
import type { CollectorMetrics } from '../collector/index.js';
import { PROBLEM_TEXT, type WriteHealth } from '../store/index.js';

export function reportWriteHealth(
  metrics: CollectorMetrics,
  readiness: { storeWrites: { ok: boolean; detail: string } },
  logger: Logger,
): (h: WriteHealth) => void {
  return (h) => {
    metrics.storeWritable.set(h.ok ? 1 : 0);
    metrics.storeWriteProblem.reset();
    if (h.ok) {
      readiness.storeWrites = { ok: true, detail: 'writes go through' };
      logger.info('the store takes writes again');
      return;
    }
    metrics.storeWriteProblem.labels(h.problem).set(1);
    readiness.storeWrites = { ok: false, detail: `${PROBLEM_TEXT[h.problem]}, so it cannot take writes: ${h.message}` };
    logger.error(
      { problem: h.problem, err: h.message },
      `${PROBLEM_TEXT[h.problem]}, so it cannot take writes: telemetry is answered 503 / UNAVAILABLE with Retry-After and changes 507/503 until it can`,
    );
  };
}
