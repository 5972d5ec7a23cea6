/**
 * Randomness for policies (weighted tie-breaks, shuffles). Injected so that a seeded source makes a whole
 * simulated run reproducible.
 */
export interface RandomSource {
  /** A number in [0, 1). */
  next(): number
}
