// One versioned change of the schema: its statements, given the retention (for TTLs).
import type { Retention } from './schema.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (retention: Retention) => string[];
}
