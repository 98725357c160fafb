// What one decode changes as it goes, passed in rather than kept in a module: the limits, the
// problem found in the item being decoded, and the halves of the last 64-bit integer read.

/** How much one item may hold. */
export interface DecodeLimits {
  /** Attributes on one item (`--max-attributes`); more reject the item. */
  maxAttributes: number;
}

/** A body that is not what its protocol says: the receiver answers 400 with its message. */
export class MalformedInputError extends Error {}

/** The thread decoding a body failed or was stopped: nothing was decoded, the sender may retry (503). */
export class DecodeThreadError extends Error {}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxAttributes: 1000 };

export class DecodeContext {
  /**
   * What was wrong with the item being decoded (null: nothing). An item with a problem is rejected
   * alone and reported as partial success; the rest of the request is kept.
   */
  problem: string | null = null;
  /** The low and high halves of the last fixed64 read: read without allocating a Long. */
  readonly u64 = { lo: 0, hi: 0 };
  constructor(readonly limits: DecodeLimits = DEFAULT_DECODE_LIMITS) {}
  note(message: string): void {
    if (this.problem === null) this.problem = message;
  }
}
