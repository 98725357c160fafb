// A connection's statements in flight, bounded, the rest waiting here in order.
// The embedded engine runs a connection's statements one at a time, each on one of libuv's four
// worker threads: a statement sent while another runs holds a worker until its turn, so four
// waiting reads stalled every file write and DNS lookup of the process (a second's wait for a
// file read behind four one-second statements on one connection, measured). Waiting here holds none.
import type { ClickHouseClient } from '@clickhouse/client';
import { StoreError } from './errors.js';

export class Lane {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly drainers: Array<() => void> = [];
  private closing = false;

  constructor(
    readonly client: ClickHouseClient,
    /** Statements sent at once; a ClickHouse server takes many, over connections of its own. */
    private readonly limit: number,
  ) {}

  /** Statements in flight and waiting. */
  get load(): number {
    return this.inFlight + this.waiting.length;
  }

  async run<T>(statement: (client: ClickHouseClient) => Promise<T>): Promise<T> {
    if (this.closing)
      throw new StoreError({ problem: 'unreachable', transient: true, message: 'the store is closing' });
    // A finished statement hands its place to the next waiting one, so none overtakes the queue.
    if (this.inFlight < this.limit) this.inFlight++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await statement(this.client);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else if (--this.inFlight === 0) for (const drained of this.drainers.splice(0)) drained();
    }
  }

  /**
   * Refuses statements from now on, and settles once those sent or waiting have ended: a chDB
   * connection closed under a running statement is not released until it ends (no store can open
   * in the process meanwhile), and one sent after the drain would run on a closing connection.
   */
  close(): Promise<void> {
    this.closing = true;
    return this.drained();
  }

  private drained(): Promise<void> {
    if (this.load === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }
}

/** The lane with the least in flight and waiting (the first of equals). */
export function leastLoaded(lanes: readonly Lane[]): Lane {
  let best = lanes[0];
  if (!best) throw new Error('no lanes to choose from');
  for (const lane of lanes) if (lane.load < best.load) best = lane;
  return best;
}
