import { realWorldNetwork, type NetworkProfile } from './networks.js'

/** How a MainnetLike fetcher asks for its roots. */
export type MainnetFetch =
  /** One root after another, each a single block in a session of its own. */
  | 'singleRoots'
  /** DAGs of 100 blocks one after another: the root, then the other 99 in one batch, one session each. */
  | 'dag100'
  /** Independent single roots arriving over time (exponential gaps), each in its own session, overlapping. */
  | 'rootStream'

/**
 * A public-network-like scenario, after published measurements of Bitswap on the public network: a fetcher connected to about 850 peers,
 * few of which hold what it asks for. Providers are concentrated (the top 10 hold about 58 % of the roots, the
 * top 50 about 85 %), about 70 % of the roots asked for exist anywhere, some of those only at peers the fetcher
 * is not connected to (found through a simulated DHT). Links follow the RealWorld profiles.
 */
export interface MainnetLikeScenario {
  /** Tells the lab's runner to run it with `runMainnetLike` rather than as a swarm of seeds and fetchers. */
  readonly kind: 'mainnetLike'
  readonly name: string
  readonly description: string
  /** Peers the fetcher is connected to. */
  readonly connectedPeers: number
  /** Connected peers holding roots (those measurements saw 723 distinct providers). */
  readonly providers: number
  /** Share of the connected-held roots held by the top 10 and by the top 50 providers. */
  readonly top10Share: number
  readonly top50Share: number
  /**
   * How many providers hold each root of a tier, all of them of that tier: a root of the top 10 is held by
   * `top10Holders` of them, one of ranks 10–49 by `top50Holders` of those, one of the rest by `restHolders`.
   * The measurements count about four HAVEs per successful request (3.95, beside 1.74 blocks), so a found root
   * has several holders among the connected peers; see the lab's README.
   */
  readonly top10Holders: number
  readonly top50Holders: number
  readonly restHolders: number
  /** Share of requested roots that exist somewhere. */
  readonly available: number
  /** Share of the available roots held only by peers the fetcher is not connected to (found through the DHT). */
  readonly dhtOnly: number
  /** Peers not connected to the fetcher that hold those roots. */
  readonly dhtOnlyPeers: number
  /**
   * Single roots the fetcher asks for first, as a stream, and which are not measured: a node meets the network
   * after it has been running a while, so what a policy remembers on its connections (boxo's targets) or in its
   * scores has had a chance to form. Default 150.
   */
  readonly warmupRoots: number
  /** Roots (or DAGs) the fetcher asks for and that are measured. */
  readonly roots: number
  readonly fetch: MainnetFetch
  /** Bytes of a root (or DAG) block. */
  readonly blockSize: number
  /** Blocks per DAG (1 for single roots). */
  readonly dagBlocks: number
  /** Mean gap between roots of a stream, ms. */
  readonly meanGap: number
  /** Virtual ms a root may take before the fetcher gives up on it (unavailable roots end this way). */
  readonly rootDeadline: number
  /** How long a DHT lookup takes before it answers, ms. */
  readonly dhtLookupDelay: number
  readonly network: NetworkProfile
}

const BASE = {
  kind: 'mainnetLike' as const,
  connectedPeers: 850,
  providers: 723,
  top10Share: 0.58,
  top50Share: 0.85,
  top10Holders: 6,
  top50Holders: 2,
  restHolders: 1,
  available: 0.7,
  dhtOnly: 0.1,
  dhtOnlyPeers: 20,
  blockSize: 2048,
  meanGap: 250,
  rootDeadline: 10_000,
  dhtLookupDelay: 1000,
  warmupRoots: 150
}

/** The MainnetLike scenarios: one per fetch pattern, on the RealWorld fast profile. */
export const MAINNET_LIKE: readonly MainnetLikeScenario[] = Object.freeze([
  Object.freeze({
    ...BASE,
    name: 'MainnetLike/SingleRoots',
    description: '850 connected peers, concentrated providers, 70 % available: 40 single roots one after another',
    roots: 40,
    fetch: 'singleRoots' as const,
    dagBlocks: 1,
    network: realWorldNetwork('fast')
  }),
  Object.freeze({
    ...BASE,
    name: 'MainnetLike/Dag100',
    description: '850 connected peers, concentrated providers, 70 % available: 10 DAGs of 100 blocks one after another',
    roots: 10,
    fetch: 'dag100' as const,
    dagBlocks: 100,
    network: realWorldNetwork('fast')
  }),
  Object.freeze({
    ...BASE,
    name: 'MainnetLike/RootStream',
    description: '850 connected peers, concentrated providers, 70 % available: 50 roots arriving every 250 ms on average',
    roots: 50,
    fetch: 'rootStream' as const,
    dagBlocks: 1,
    network: realWorldNetwork('fast')
  })
])

/** A MainnetLike scenario by name (`MainnetLike/…`), or a RangeError listing the known ones. */
export function mainnetLike (name: string): MainnetLikeScenario {
  const found = MAINNET_LIKE.find(s => s.name === name)
  if (found == null) throw new RangeError(`unknown scenario "${name}" (known: ${MAINNET_LIKE.map(s => s.name).join(', ')})`)
  return found
}

/** The plain facts of a MainnetLike scenario, for JSON reports. */
export function describeMainnetLike (scenario: MainnetLikeScenario): Record<string, string | number> {
  const { name, description, network, ...facts } = scenario
  return { name, ...facts, network: network.name }
}
