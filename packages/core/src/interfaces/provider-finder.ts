import type { AbortOptions, PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/** A peer said to hold a CID, with any addresses the routing system gave for it (multiaddr strings). */
export interface ProviderRecord {
  peer: PeerKey
  addresses: string[]
}

/** Who has a CID, and announcing what we have. */
export interface ProviderFinder {
  readonly name: string
  /** Yields providers as they are found; ends when the search is over or the signal aborts. */
  findProviders(cid: CID, options?: AbortOptions): AsyncIterable<ProviderRecord>
  /** Announces that we hold `cid`. */
  provide(cid: CID, options?: AbortOptions): Promise<void>
}
