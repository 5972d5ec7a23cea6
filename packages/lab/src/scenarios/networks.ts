import { fixedLatency, internetLatency, normalBandwidth, type BandwidthModel, type LatencyModel } from '@swapwright/transports'

/** The network a scenario runs on. Latency and bandwidth are drawn once per ordered pair of peers. */
export interface NetworkProfile {
  /** Shown in reports, e.g. "fixed 10 ms". */
  readonly name: string
  /** One-way delay per link, ms. */
  readonly latency: LatencyModel
  /** Bytes per second per link (default: no limit). */
  readonly bandwidth?: BandwidthModel
  /** Seconds of bandwidth a link's token bucket holds (default 1, the Go virtual network's). */
  readonly burstSeconds?: number
  /** Delay of every blockstore access on the seeds, ms (default 0). */
  readonly blockstoreLatency?: number
}

/** The constants of the Go benchmark suite's networks (ms and bytes per second). */
const SPEED = { datacenter: 5, fast: 60, medium: 200, slow: 800, superSlow: 4000 }
const JITTER = { internet: 20, datacenter: 3 }

/** The same delay on every link, no bandwidth limit: the Go suite's BenchmarkFixedDelay (10 ms). */
export function fixedDelayNetwork (ms = 10): NetworkProfile {
  return { name: `fixed ${ms} ms`, latency: fixedLatency(ms) }
}

/**
 * The three wide-area profiles of the Go suite's BenchmarkRealWorld: 60 ms ± 20 ms per link, with 30 % of the
 * links 140 ms slower and 30 % (in the slow profile) 3940 ms or (average) 740 ms slower, and normally
 * distributed bandwidth per link.
 */
export function realWorldNetwork (profile: 'fast' | 'average' | 'slow'): NetworkProfile {
  const medium = SPEED.medium - SPEED.fast
  switch (profile) {
    case 'fast':
      return {
        name: 'real world: fast',
        latency: internetLatency({ base: SPEED.fast, std: JITTER.internet, medium, large: SPEED.slow - SPEED.fast }),
        bandwidth: normalBandwidth(1_250_000, 300_000)
      }
    case 'average':
      return {
        name: 'real world: average, variable',
        latency: internetLatency({ base: SPEED.fast, std: JITTER.internet, medium, pMedium: 0.3, large: SPEED.slow - SPEED.fast, pLarge: 0.3 }),
        bandwidth: normalBandwidth(500_000, 80_000)
      }
    case 'slow':
      return {
        name: 'real world: slow, variable',
        latency: internetLatency({ base: SPEED.fast, std: JITTER.internet, medium, pMedium: 0.3, large: SPEED.superSlow - SPEED.fast, pLarge: 0.3 }),
        bandwidth: normalBandwidth(100_000, 16_500)
      }
  }
}

/** The Go suite's datacenter: 5 ms ± 3 ms, about 1 Gbit/s per link (125 MB/s ± 3 MB/s), 25 ms blockstore on the seeds. */
export function datacenterNetwork (): NetworkProfile {
  return {
    name: 'datacenter',
    latency: internetLatency({ base: SPEED.datacenter, std: JITTER.datacenter }),
    bandwidth: normalBandwidth(125_000_000, 3_000_000),
    blockstoreLatency: 25
  }
}
