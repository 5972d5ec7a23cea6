import type { RandomSource } from './interfaces/random.js'

/**
 * A small, fast 32-bit generator (mulberry32). Not for cryptography: it only has to be reproducible for a
 * seed and evenly spread for tie-breaks.
 */
export class SeededRandom implements RandomSource {
  private state: number

  constructor (seed: number) {
    this.state = seed >>> 0
  }

  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [0, n). */
  int (n: number): number {
    return Math.floor(this.next() * n)
  }
}

/** A generator for a seed; with no seed, one drawn from the platform's secure random source (WebCrypto). */
export function seededRandom (seed?: number): SeededRandom {
  return new SeededRandom(seed ?? crypto.getRandomValues(new Uint32Array(1))[0])
}
