import { factoryPlugin, type Plugin, type ProviderFinder, type ProviderRecord } from '@swapwright/core'
import { peerIdFromCID } from '@libp2p/peer-id'
import type { Routing } from '@helia/interface'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/**
 * Helia's routing (every router the node was given: libp2p's DHT, delegated HTTP routing...) as the node's
 * provider finder, so a session that runs out of peers searches where the rest of Helia searches.
 */
export class HeliaRoutingFinder implements ProviderFinder {
  readonly name = 'helia-routing'
  private readonly routing: Routing

  constructor (routing: Routing) {
    this.routing = routing
  }

  async * findProviders (cid: CID, options?: AbortOptions): AsyncIterable<ProviderRecord> {
    for await (const provider of this.routing.findProviders(cid, options)) {
      yield {
        peer: peerIdFromCID(provider.id).toString(),
        addresses: provider.multiaddrs.map(address => address.toString())
      }
    }
  }

  async provide (cid: CID, options?: AbortOptions): Promise<void> {
    await this.routing.provide(cid, options)
  }
}

export function heliaRoutingFinder (routing: Routing): Plugin<ProviderFinder> {
  return factoryPlugin('helia-routing', () => new HeliaRoutingFinder(routing))
}
