// What the rest of the system (the API) can ask of the running alerting part.
import type { SilenceInput } from '../config/index.js';
import type { AlertBook } from './alert-book.js';
import type { ApplyPlan, Declared } from './declared.js';
import type { CheckEngine } from './engine.js';
import type { Silence } from './muting.js';

export interface AlertingService {
  engine: CheckEngine;
  book: AlertBook;
  declared(): Promise<Declared>;
  apply(desired: Declared, opts: { prune: boolean; dryRun?: boolean; author: string }): Promise<ApplyPlan>;
  silences(): Promise<Silence[]>;
  addSilence(input: SilenceInput): Promise<Silence>;
  expireSilence(id: string, by: string): Promise<Silence | null>;
  /** A heartbeat ping, stored before it counts; false for an unknown heartbeat. */
  ping(name: string): Promise<boolean>;
}
