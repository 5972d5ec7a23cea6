import { blockKey, factoryPlugin, type AbortOptions, type Clock, type PeerKey, type Plugin, type ProviderFinder, type ProviderRecord } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

export interface SimulatedRoutingInit {
  /** Drives lookup delays; share the network's clock. */
  clock: Clock
  /** How long a lookup takes before it answers, in ms (default 50). */
  lookupDelay?: number
}

/**
 * Content routing for simulated networks: who announced which CID. It stands in for the DHT in simulations, so
 * scenarios can measure provider searches without a real routing system.
 */
export class SimulatedRouting {
  readonly clock: Clock
  readonly lookupDelay: number
  private readonly providers = new Map<string, Set<PeerKey>>()
  lookups = 0

  constructor (init: SimulatedRoutingInit) {
    this.clock = init.clock
    this.lookupDelay = init.lookupDelay ?? 50
  }

  /** Records that `peer` holds these blocks. */
  announce (peer: PeerKey, cids: Iterable<CID>): void {
    for (const cid of cids) {
      const key = blockKey(cid)
      let peers = this.providers.get(key)
      if (peers == null) {
        peers = new Set()
        this.providers.set(key, peers)
      }
      peers.add(peer)
    }
  }

  providersOf (cid: CID): PeerKey[] {
    return [...(this.providers.get(blockKey(cid)) ?? [])]
  }

  /** One node's view of the routing, as a plugin for `createBitswap({ providerFinder })`. */
  plugin (self: PeerKey): Plugin<ProviderFinder> {
    return factoryPlugin(`simulated-routing(${self})`, () => new SimulatedProviderFinder(this, self))
  }
}

/** A ProviderFinder over SimulatedRouting for one node: it never reports the node itself. */
export class SimulatedProviderFinder implements ProviderFinder {
  readonly name = 'simulated-routing'
  private readonly routing: SimulatedRouting
  private readonly self: PeerKey

  constructor (routing: SimulatedRouting, self: PeerKey) {
    this.routing = routing
    this.self = self
  }

  async * findProviders (cid: CID, options: AbortOptions = {}): AsyncIterable<ProviderRecord> {
    this.routing.lookups++
    await this.routing.clock.sleep(this.routing.lookupDelay, options)
    for (const peer of this.routing.providersOf(cid)) {
      if (peer !== this.self) yield { peer, addresses: [] }
    }
  }

  async provide (cid: CID): Promise<void> {
    this.routing.announce(this.self, [cid])
  }
}
