// The collector's side of the server: its pipeline of batched inserts, its decode threads when asked
// for, and what every receiver shares, from the server's configuration.
import type { Logger } from 'pino';
import {
  type CollectorMetrics,
  DECODED_PER_BODY_BYTE,
  type IngestContext,
  createDecodePool,
  createPipeline,
} from '../collector/index.js';
import type { ServerConfig } from '../config/index.js';
import type { Store } from '../store/index.js';

export function createIngestContext(
  config: ServerConfig,
  store: Store,
  metrics: CollectorMetrics,
  logger: Logger,
  now: () => number,
): IngestContext {
  const pipeline = createPipeline(
    store,
    {
      batchRows: config.batchRows,
      batchBytes: config.batchSize,
      flushIntervalMs: config.flushInterval,
      maxQueueBytes: config.maxQueueSize,
      maxInflightPerTable: config.maxInflightInserts,
      lingerMs: config.insertLinger,
    },
    metrics,
  );
  return {
    pipeline,
    metrics,
    logger,
    maxQueueBytes: config.maxQueueSize,
    maxDecodedBytes: config.maxBodySize * DECODED_PER_BODY_BYTE,
    retentionMs: config.retention,
    now,
    limits: { maxAttributes: config.maxAttributes },
    decodePool: config.decodeThreads > 0 ? createDecodePool(config.decodeThreads) : undefined,
  };
}
