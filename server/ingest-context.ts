// The collector's side of the server: its pipeline of batched inserts, its decode threads when asked
// for, and what every receiver shares, from the server's configuration.
import type { Logger } from 'pino';
import {
  type CollectorMetrics,
  DECODED_PER_BODY_BYTE,
  type IngestContext,
  type Pipeline,
  createDecodePool,
  createPipeline,
  openWriteAheadLog,
  writeAheadFailureReporter,
} from '../collector/index.js';
import path from 'node:path';
import type { ServerConfig } from '../config/index.js';
import type { Store } from '../store/index.js';

/** Where requests acknowledged before their insert ends are kept until it does. */
export const writeAheadDir = (dataDir: string): string => path.join(dataDir, 'write-ahead');

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
      // Opened even when nothing is to be logged (0 rows): what an earlier run logged is stored.
      writeAhead: {
        log: openWriteAheadLog(writeAheadDir(config.dataDir)),
        maxRows: config.writeAheadRows,
        fromRows: config.writeAheadFrom,
        onFailure: writeAheadFailureReporter(logger, now),
      },
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

/** Rows an earlier run acknowledged and did not store (it was killed) are stored before new ones come. */
export async function recoverWriteAhead(pipeline: Pipeline, logger: Logger): Promise<void> {
  const { stored, retrying, foreign } = await pipeline.recover();
  if (stored > 0 || retrying > 0)
    logger.info({ stored, retrying }, 'stored the rows the last run acknowledged and had not stored yet');
  if (retrying > 0) logger.warn({ retrying }, 'some of those rows could not be stored yet; they are tried again');
  if (foreign.length > 0)
    logger.error(
      { files: foreign.length, first: foreign[0] },
      'write-ahead files for another table layout (written before an upgrade) were left in the write-ahead directory',
    );
}
