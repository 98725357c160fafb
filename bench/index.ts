// What other folders use of bench/: its synthetic spans, written in the collector's layout.
export { writeTraces } from './spans.js';
