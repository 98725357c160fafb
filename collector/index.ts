export { DECODED_PER_BODY_BYTE, handleExport, type ExportContext, type ExportResult } from './export.js';
export { buildGrpcReceiver, closeGrpc, listenGrpc, type GrpcReceiverOptions } from './grpc-receiver.js';
export {
  buildHttpReceiver,
  type HttpReceiverOptions,
  type IngestAuthorization,
  type IngestAuthorizer,
} from './http-receiver.js';
export { DEFAULT_DECODE_LIMITS, DecodeContext, type DecodeLimits } from './otlp/wire.js';
export { RequestRows, type Encoding, type Signal } from './otlp/request-rows.js';
export { decodeTracesProto } from './traces/decode-proto.js';
export { decodeLogsProto } from './logs/decode-proto.js';
export { createPipeline, type Pipeline, type PipelineOptions, type SubmitOutcome } from './pipeline.js';
export { createCollectorMetrics, type CollectorMetrics } from './self-metrics.js';
