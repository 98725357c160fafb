// What the API answers, as the console reads it.
export interface Red {
  requests: number;
  rate: number;
  errors: number;
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}
export interface ServiceSummary extends Red {
  service: string;
  spans: number;
  instances: number;
  lastSeenMs: number;
}
export interface RedPoint {
  t: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}
export interface SeriesAnswer {
  from: number;
  to: number;
  stepMs: number;
  services: Record<string, RedPoint[]>;
}
export interface Edge {
  parent: string;
  child: string;
  calls: number;
  errors: number;
  errorRate: number;
}
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  operation: string;
  kind: string;
  startMs: number;
  durationMs: number;
  status: string;
  statusMessage: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  events: Array<{ timeMs: number; name: string; attributes: Record<string, string> }>;
}
export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startMs: number;
  durationMs: number;
  spans: number;
  errors: number;
  services: string[];
}
export interface LogLine {
  timeMs: number;
  level: string;
  service: string;
  body: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
  key: string;
}
