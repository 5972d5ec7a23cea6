import type { PeerKey, RandomSource } from '@swapwright/core'

/** Draws a link property (latency in ms, bandwidth in bytes/s) once per ordered pair of peers. */
export type LinkDraw = (from: PeerKey, to: PeerKey, random: RandomSource) => number

/** A standard normal number from two uniform draws (Box-Muller); always consumes exactly two draws. */
export function standardNormal (random: RandomSource): number {
  // 1 - u keeps the logarithm finite: next() may return 0 but never 1
  const u = 1 - random.next()
  const v = random.next()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** The same delay on every link. */
export function fixedLatency (ms: number): LinkDraw {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`Latency must be a finite number >= 0, got ${ms}`)
  return () => ms
}

export interface InternetLatencyInit {
  /** Typical one-way delay, ms. */
  base: number
  /** Standard deviation of the normal jitter around `base`, ms (default 0). */
  std?: number
  /** Extra delay of the "medium" cluster of links, ms (default 0). */
  medium?: number
  /** Share of links in the medium cluster, 0..1 (default 0). */
  pMedium?: number
  /** Extra delay of the "large" cluster of links, ms (default 0). */
  large?: number
  /** Share of links in the large cluster, 0..1 (default 0); the large cluster is drawn first. */
  pLarge?: number
}

/**
 * Latencies of a wide-area network: `base` plus normal jitter, and on some links a fixed extra delay, `large`
 * with probability `pLarge`, else `medium` with probability `pMedium`. This is the model of the Go benchmark
 * suite's real-world profiles. A draw below zero is clamped to 0.
 */
export function internetLatency (init: InternetLatencyInit): LinkDraw {
  const { base, std = 0, medium = 0, pMedium = 0, large = 0, pLarge = 0 } = init
  for (const [name, value] of Object.entries({ base, std, medium, large })) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`internetLatency: ${name} must be a finite number >= 0, got ${value}`)
  }
  if (!(pMedium >= 0 && pLarge >= 0 && pMedium + pLarge <= 1)) {
    throw new RangeError(`internetLatency: pMedium (${pMedium}) and pLarge (${pLarge}) must be >= 0 and add up to at most 1`)
  }
  return (_from, _to, random) => {
    const cluster = random.next()
    const jittered = base + std * standardNormal(random)
    const extra = cluster < pLarge ? large : cluster < pLarge + pMedium ? medium : 0
    return Math.max(0, jittered + extra)
  }
}

/**
 * Bandwidth per link from a normal distribution, bytes/s. A draw under `min` (default 1 % of the mean) is
 * raised to it: a link with no bandwidth would never deliver anything.
 */
export function normalBandwidth (mean: number, sd: number, min = mean / 100): LinkDraw {
  if (!(mean > 0) || !(sd >= 0) || !(min > 0)) {
    throw new RangeError(`normalBandwidth: mean and min must be > 0 and sd >= 0, got mean ${mean}, sd ${sd}, min ${min}`)
  }
  return (_from, _to, random) => Math.max(min, mean + sd * standardNormal(random))
}

/** A 32-bit FNV-1a hash of a string: spreads peer names into independent seeds. */
export function hashString (text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}
