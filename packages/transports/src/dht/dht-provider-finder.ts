import { factoryPlugin, type AbortOptions, type Plugin, type ProviderFinder, type ProviderRecord } from '@swapwright/core'
import { ProvideQueue, type ProvideQueueInit } from './provide-queue.js'
import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface DhtProviderFinderInit extends ProvideQueueInit {}

/**
 * Finds providers and announces blocks through the libp2p node's content routing: with the `@libp2p/kad-dht`
 * service configured, that is the DHT. Announcements go through a bounded queue with a few workers.
 */
export class DhtProviderFinder implements ProviderFinder {
  readonly name = 'dht-provider-finder'
  private readonly libp2p: Libp2p
  readonly provides: ProvideQueue

  constructor (libp2p: Libp2p, init: DhtProviderFinderInit = {}) {
    this.libp2p = libp2p
    this.provides = new ProvideQueue(async (cid, options) => this.libp2p.contentRouting.provide(cid, options), init)
  }

  async * findProviders (cid: CID, options: AbortOptions = {}): AsyncIterable<ProviderRecord> {
    const self = this.libp2p.peerId.toString()
    for await (const provider of this.libp2p.contentRouting.findProviders(cid, options)) {
      const peer = provider.id.toString()
      if (peer === self) continue
      yield { peer, addresses: provider.multiaddrs.map(addr => addr.toString()) }
    }
  }

  async provide (cid: CID): Promise<void> {
    await this.provides.provide(cid)
  }

  /** Called by the node (the finder is `Startable`): announcements are taken while the node runs. */
  start (): void {
    this.provides.start()
  }

  /** Called by the node when it stops: queued announcements are dropped, running ones aborted. */
  stop (): void {
    this.provides.stop()
  }
}

/** The DHT as a plugin for `createBitswap({ providerFinder })`; the node must run the kad-dht service. */
export function dhtProviderFinder (libp2p: Libp2p, init?: DhtProviderFinderInit): Plugin<ProviderFinder> {
  return factoryPlugin('dht-provider-finder', () => new DhtProviderFinder(libp2p, init))
}
