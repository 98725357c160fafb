// What a resource and a scope give every row under them, whatever the receiver: read once,
// encoded once per scope by the row writers.
import type { Str } from '../../store/index.js';

/** The resource a batch of items came from: its service and attributes (encoded). */
export interface ResourceInfo {
  service: Str;
  attrs: Buffer;
  schemaUrl: Str;
}

/** The instrumentation scope of a batch of items. */
export interface ScopeInfo {
  name: Str;
  version: Str;
  attrs: Buffer;
  dropped: number;
}

export interface ScopeContext {
  scope: ScopeInfo;
  schemaUrl: Str;
}
