export {
  DEFAULT_DECODE_LIMITS,
  DecodeContext,
  DecodeThreadError,
  MalformedInputError,
  type DecodeLimits,
} from './decode-context.js';
export {
  DECODED_PER_BODY_BYTE,
  httpStatusOf,
  ingest,
  type IngestAuthorization,
  type IngestAuthorizer,
  type IngestContext,
  type IngestResult,
} from './ingest.js';
export { createPipeline, type Pipeline, type PipelineOptions, type SubmitOutcome } from './pipeline.js';
export { GZIP, authorizeRequest, readBody, retryAfterSeconds, type BodyDecoder } from './receivers/http-common.js';
export { createDecodePool, type DecodePool } from './receivers/otlp/decode-pool.js';
export { OTLP_DECODERS } from './receivers/otlp/decoders.js';
export { handleExport } from './receivers/otlp/export.js';
export type { Encoding } from './receivers/otlp/decoders.js';
export { buildGrpcReceiver, closeGrpc, listenGrpc, type GrpcReceiverOptions } from './receivers/otlp/grpc.js';
export { buildHttpReceiver, type HttpReceiverOptions } from './receivers/otlp/http.js';
export { decodeLogsProto } from './receivers/otlp/logs/decode-proto.js';
export { decodeTracesProto } from './receivers/otlp/traces/decode-proto.js';
export { RequestRows, type Signal } from './rows.js';
export { createCollectorMetrics, type CollectorMetrics } from './self-metrics.js';
export {
  layoutKey,
  openWriteAheadLog,
  writeAheadFailureReporter,
  type LoggedEntry,
  type WriteAheadLog,
} from './write-ahead-log.js';
export { WITH_PREVIOUS, compileRowWriter, type ColumnEncoder, type RowWriter } from './row-writer.js';
export { buildZipkinReceiver, type ZipkinReceiverOptions } from './receivers/zipkin/http.js';
export { registerRemoteWrite, type RemoteWriteOptions } from './receivers/prometheus/http.js';
export { decodeWriteRequestV1 as decodeRemoteWriteV1 } from './receivers/prometheus/proto.js';
export { writePromSeries } from './receivers/prometheus/rows.js';
export { createScraper, type Scraper } from './scrape/scraper.js';
