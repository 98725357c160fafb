export { MAX_LIMIT, type ReadScope, type TimeRange } from './common.js';
export { SEVERITY_LEVELS, searchLogs, type LogFilter, type LogLine, type SeverityLevel } from './logs.js';
export { instanceStats, type InstanceStats } from './runtime.js';
export {
  listServices,
  serviceActivity,
  type Activity,
  type InstanceRequests,
  type OperationRed,
  type Red,
  type ServiceSummary,
} from './services.js';
export {
  dependencies,
  operations,
  searchTraces,
  traceById,
  type DependencyEdge,
  type SpanRecord,
  type TraceFilter,
  type TraceSummary,
} from './traces.js';
export { errorRateOver, lastTelemetryAt, latencyOver, logCountOver, runtimeStatMax } from './rules.js';
export {
  logVolume,
  runtimeSeries,
  serviceSeries,
  stepFor,
  type LogVolumePoint,
  type RedPoint,
  type RuntimeSeries,
} from './series.js';
export { ROLLUP_FROM_MS, rateSeconds, readWindow, type ReadWindow, type SpanSource } from './span-minutes.js';
