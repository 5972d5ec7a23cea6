import { DISTRIBUTIONS, type Distribution, type DistributionName } from './distributions.js'
import { FETCH_PATTERNS, type FetchPattern, type FetchPatternName } from './fetch-patterns.js'
import { fixedDelayNetwork, type NetworkProfile } from './networks.js'
import type { ProtocolVersion } from '@swapwright/core'

/** What a user writes to define a scenario; everything but the first six fields has a default. */
export interface ScenarioInit {
  /** Unique; the catalog's names are `Group/Name`, e.g. `FixedDelay/3Nodes-AllToAll-OneAtATime`. */
  name: string
  /** Every node, fetchers included. */
  nodes: number
  /** Blocks of the file. */
  blocks: number
  /** Bytes per block. */
  blockSize: number
  /** How the blocks are spread over the seeds. */
  distribution: DistributionName | Distribution
  /** How each fetcher asks its session for the blocks. */
  fetch: FetchPatternName | FetchPattern
  /** Default: 10 ms on every link, no bandwidth limit, no blockstore latency. */
  network?: NetworkProfile
  /** Nodes fetching at the same time (default 1); the others are seeds. */
  fetchers?: number
  /** Bytes of block 0, the root (default 800, as in the Go suite; 0 makes it a block like the others). */
  rootBlockSize?: number
  /** Newest protocol the seeds speak (default 1.2.0; 1.1.0 seeds know no WANT_HAVE, HAVE or DONT_HAVE). */
  seedVersion?: ProtocolVersion
  /** One line for reports. */
  description?: string
}

/** A checked scenario with every default filled in. */
export interface Scenario {
  readonly name: string
  readonly nodes: number
  readonly fetchers: number
  readonly seeds: number
  readonly blocks: number
  readonly blockSize: number
  readonly rootBlockSize: number
  readonly distribution: Distribution
  readonly fetch: FetchPattern
  readonly network: NetworkProfile
  readonly seedVersion: ProtocolVersion
  readonly description: string
}

function positiveInteger (name: string, field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`Scenario ${name}: ${field} must be a positive integer, got ${value}`)
  return value
}

/**
 * Checks a scenario and fills its defaults, so a mistake (a distribution for two seeds given three, a
 * fetch pattern that needs more blocks) fails here rather than halfway through a matrix.
 */
export function defineScenario (init: ScenarioInit): Scenario {
  const { name } = init
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('A scenario needs a name')
  const nodes = positiveInteger(name, 'nodes', init.nodes)
  const fetchers = positiveInteger(name, 'fetchers', init.fetchers ?? 1)
  const blocks = positiveInteger(name, 'blocks', init.blocks)
  const blockSize = positiveInteger(name, 'blockSize', init.blockSize)
  const rootBlockSize = init.rootBlockSize ?? 800
  if (!Number.isSafeInteger(rootBlockSize) || rootBlockSize < 0) throw new RangeError(`Scenario ${name}: rootBlockSize must be an integer >= 0`)
  if (nodes <= fetchers) throw new RangeError(`Scenario ${name}: ${nodes} nodes leave no seed for ${fetchers} fetcher(s)`)
  const distribution = typeof init.distribution === 'string' ? DISTRIBUTIONS[init.distribution] : init.distribution
  if (distribution == null) throw new RangeError(`Scenario ${name}: unknown distribution "${String(init.distribution)}" (known: ${Object.keys(DISTRIBUTIONS).join(', ')})`)
  const fetch = typeof init.fetch === 'string' ? FETCH_PATTERNS[init.fetch] : init.fetch
  if (fetch == null) throw new RangeError(`Scenario ${name}: unknown fetch pattern "${String(init.fetch)}" (known: ${Object.keys(FETCH_PATTERNS).join(', ')})`)
  const seeds = nodes - fetchers
  // fails now for a distribution that cannot take this many seeds
  distribution.assign(seeds, blocks, { next: () => 0 })
  return Object.freeze({
    name,
    nodes,
    fetchers,
    seeds,
    blocks,
    blockSize,
    rootBlockSize,
    distribution,
    fetch,
    network: init.network ?? fixedDelayNetwork(10),
    seedVersion: init.seedVersion ?? '1.2.0',
    description: init.description ?? `${nodes} nodes (${fetchers} fetching), ${blocks} blocks of ${blockSize} B, ${distribution.name}, ${fetch.name}`
  })
}

/** The plain facts of a scenario, for JSON reports. */
export function describeScenario (scenario: Scenario): Record<string, string | number> {
  return {
    name: scenario.name,
    nodes: scenario.nodes,
    fetchers: scenario.fetchers,
    blocks: scenario.blocks,
    blockSize: scenario.blockSize,
    rootBlockSize: scenario.rootBlockSize,
    distribution: scenario.distribution.name,
    fetch: scenario.fetch.name,
    network: scenario.network.name,
    blockstoreLatency: scenario.network.blockstoreLatency ?? 0,
    seedVersion: scenario.seedVersion
  }
}
