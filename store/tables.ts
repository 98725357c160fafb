// The column order in which the collector's row encoders write each table, as RowBinary.
// LowCardinality(String) is plain String on the wire, and a Nested column travels as one
// Array per field, so the structures here are the wire types, not the table's DDL types.

export type TableName =
  | 'otel_traces'
  | 'otel_logs'
  | 'otel_metrics_gauge'
  | 'otel_metrics_sum'
  | 'otel_metrics_histogram'
  | 'otel_metrics_exponential_histogram'
  | 'otel_metrics_summary';

export interface TableLayout {
  readonly table: TableName;
  readonly columns: ReadonlyArray<readonly [name: string, wireType: string]>;
}

const MAP = 'Map(String, String)';

const METRIC_PREFIX: TableLayout['columns'] = [
  ['ResourceAttributes', MAP],
  ['ResourceSchemaUrl', 'String'],
  ['ScopeName', 'String'],
  ['ScopeVersion', 'String'],
  ['ScopeAttributes', MAP],
  ['ScopeDroppedAttrCount', 'UInt32'],
  ['ScopeSchemaUrl', 'String'],
  ['ServiceName', 'String'],
  ['MetricName', 'String'],
  ['MetricDescription', 'String'],
  ['MetricUnit', 'String'],
  ['Attributes', MAP],
  ['StartTimeUnix', 'DateTime64(9)'],
  ['TimeUnix', 'DateTime64(9)'],
];

const EXEMPLARS: TableLayout['columns'] = [
  ['Exemplars.FilteredAttributes', `Array(${MAP})`],
  ['Exemplars.TimeUnix', 'Array(DateTime64(9))'],
  ['Exemplars.Value', 'Array(Float64)'],
  ['Exemplars.SpanId', 'Array(String)'],
  ['Exemplars.TraceId', 'Array(String)'],
];

const NAMESPACE: TableLayout['columns'][number] = ['Namespace', 'String'];

export const LAYOUTS: Readonly<Record<TableName, TableLayout>> = {
  otel_traces: {
    table: 'otel_traces',
    columns: [
      ['Timestamp', 'DateTime64(9)'],
      ['TraceId', 'String'],
      ['SpanId', 'String'],
      ['ParentSpanId', 'String'],
      ['TraceState', 'String'],
      ['SpanName', 'String'],
      ['SpanKind', 'String'],
      ['ServiceName', 'String'],
      ['ResourceAttributes', MAP],
      ['ScopeName', 'String'],
      ['ScopeVersion', 'String'],
      ['SpanAttributes', MAP],
      ['Duration', 'UInt64'],
      ['StatusCode', 'String'],
      ['StatusMessage', 'String'],
      ['Events.Timestamp', 'Array(DateTime64(9))'],
      ['Events.Name', 'Array(String)'],
      ['Events.Attributes', `Array(${MAP})`],
      ['Links.TraceId', 'Array(String)'],
      ['Links.SpanId', 'Array(String)'],
      ['Links.TraceState', 'Array(String)'],
      ['Links.Attributes', `Array(${MAP})`],
      NAMESPACE,
    ],
  },
  otel_logs: {
    table: 'otel_logs',
    columns: [
      ['Timestamp', 'DateTime64(9)'],
      ['TraceId', 'String'],
      ['SpanId', 'String'],
      ['TraceFlags', 'UInt8'],
      ['SeverityText', 'String'],
      ['SeverityNumber', 'UInt8'],
      ['ServiceName', 'String'],
      ['Body', 'String'],
      ['ResourceSchemaUrl', 'String'],
      ['ResourceAttributes', MAP],
      ['ScopeSchemaUrl', 'String'],
      ['ScopeName', 'String'],
      ['ScopeVersion', 'String'],
      ['ScopeAttributes', MAP],
      ['LogAttributes', MAP],
      ['EventName', 'String'],
      NAMESPACE,
    ],
  },
  otel_metrics_gauge: {
    table: 'otel_metrics_gauge',
    columns: [...METRIC_PREFIX, ['Value', 'Float64'], ['Flags', 'UInt32'], ...EXEMPLARS, NAMESPACE],
  },
  otel_metrics_sum: {
    table: 'otel_metrics_sum',
    columns: [
      ...METRIC_PREFIX,
      ['Value', 'Float64'],
      ['Flags', 'UInt32'],
      ...EXEMPLARS,
      ['AggregationTemporality', 'Int32'],
      ['IsMonotonic', 'Bool'],
      NAMESPACE,
    ],
  },
  otel_metrics_histogram: {
    table: 'otel_metrics_histogram',
    columns: [
      ...METRIC_PREFIX,
      ['Count', 'UInt64'],
      ['Sum', 'Float64'],
      ['BucketCounts', 'Array(UInt64)'],
      ['ExplicitBounds', 'Array(Float64)'],
      ...EXEMPLARS,
      ['Flags', 'UInt32'],
      ['Min', 'Float64'],
      ['Max', 'Float64'],
      ['AggregationTemporality', 'Int32'],
      NAMESPACE,
    ],
  },
  otel_metrics_exponential_histogram: {
    table: 'otel_metrics_exponential_histogram',
    columns: [
      ...METRIC_PREFIX,
      ['Count', 'UInt64'],
      ['Sum', 'Float64'],
      ['Scale', 'Int32'],
      ['ZeroCount', 'UInt64'],
      ['PositiveOffset', 'Int32'],
      ['PositiveBucketCounts', 'Array(UInt64)'],
      ['NegativeOffset', 'Int32'],
      ['NegativeBucketCounts', 'Array(UInt64)'],
      ...EXEMPLARS,
      ['Flags', 'UInt32'],
      ['Min', 'Float64'],
      ['Max', 'Float64'],
      ['AggregationTemporality', 'Int32'],
      NAMESPACE,
    ],
  },
  otel_metrics_summary: {
    table: 'otel_metrics_summary',
    columns: [
      ...METRIC_PREFIX,
      ['Count', 'UInt64'],
      ['Sum', 'Float64'],
      ['ValueAtQuantiles.Quantile', 'Array(Float64)'],
      ['ValueAtQuantiles.Value', 'Array(Float64)'],
      ['Flags', 'UInt32'],
      NAMESPACE,
    ],
  },
};

export const columnList = (l: TableLayout): string => l.columns.map(([n]) => `\`${n}\``).join(', ');
export const structure = (l: TableLayout): string => l.columns.map(([n, t]) => `\`${n}\` ${t}`).join(', ');
