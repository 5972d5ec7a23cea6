import { logger } from '@libp2p/logger'
import { NotStartedError, blockstorePlugin, createBitswap, type Bitswap, type BitswapOptions } from '@swapwright/core'
import { goDefaults } from '@swapwright/strategies'
import { libp2pNetwork, type Libp2pNetworkInit } from '@swapwright/transports'
import { HeliaBlockView } from './helia-blocks.js'
import { heliaRoutingFinder } from './helia-routing.js'
import { BROKER_NAME, watchArrival, wantProgress } from './progress.js'
import { SwapwrightSessionBroker, addProviders, fetchBlock, type SessionContext } from './session-broker.js'
import type { BlockBroker, BlockRetrievalOptions, Blocks, CreateSessionOptions, Routing, SessionBlockBroker } from '@helia/interface'
import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

const log = logger('swapwright:helia:broker')

/** Options for `withSwapwright`. */
export interface SwapwrightInit {
  /**
   * Options for the Swapwright node (`createBitswap`): strategies, presets, limits. `network` and `blockstore`
   * are the broker's own; the policies default to `goDefaults()` (pass `preset` or single slots to change them). `providerFinder` defaults to Helia's routing; `announceBlocks` defaults to false,
   * as Helia's own Bitswap does not announce every block it fetches either.
   */
  bitswap?: Omit<BitswapOptions, 'network' | 'blockstore'>
  /** Options for the libp2p network under the node: protocols, stream limits, send timeouts. */
  network?: Libp2pNetworkInit
}

/** The parts of a Helia node the broker runs on. */
export interface SwapwrightHost {
  libp2p: Libp2p
  blockstore: Blocks
  routing: Routing
}

/**
 * Swapwright's Bitswap as a Helia block broker. It is named `bitswap`, as Helia's own is, so Helia adds no
 * Bitswap of its own beside it. Its node is built once Helia's libp2p is up (`attach`) and stopped with Helia.
 */
export class SwapwrightBlockBroker implements BlockBroker {
  readonly name = BROKER_NAME
  private readonly init: SwapwrightInit
  private context: SessionContext | undefined

  constructor (init: SwapwrightInit = {}) {
    this.init = init
  }

  /** The running Swapwright node: stats, events, its wantlist. */
  get bitswap (): Bitswap {
    return this.running().node
  }

  isStarted (): boolean {
    return this.context != null
  }

  /** Builds and starts the node over the Helia node's libp2p and blockstore. */
  async attach (host: SwapwrightHost): Promise<void> {
    if (this.context != null) return
    const node = createBitswap({
      preset: goDefaults(),
      announceBlocks: false,
      providerFinder: heliaRoutingFinder(host.routing),
      ...this.init.bitswap,
      network: libp2pNetwork(host.libp2p, this.init.network),
      blockstore: blockstorePlugin(new HeliaBlockView(host.blockstore), 'helia-blockstore')
    })
    try {
      await node.start()
    } catch (err) {
      // A half-started node may hold protocol handlers on Helia's libp2p; release them before failing Helia's start.
      await node.stop().catch(() => {})
      throw err
    }
    this.context = { node, libp2p: host.libp2p }
    log('started on %s', node.components.network.self)
  }

  async stop (): Promise<void> {
    const context = this.context
    if (context == null) return
    this.context = undefined
    await context.node.stop()
    log('stopped')
  }

  async retrieve (cid: CID, options: BlockRetrievalOptions = {}): Promise<Uint8Array> {
    const context = this.running()
    const providers = options.providers ?? []
    if (providers.length === 0) {
      const stopWatching = watchArrival(context.node, cid, options.onProgress)
      try {
        return await context.node.want(cid, { signal: options.signal, onProgress: wantProgress(options.onProgress) })
      } finally {
        stopWatching()
      }
    }
    // Providers named for this one block: a session of its own, so they are asked first.
    const session = context.node.createSession({ signal: options.signal })
    try {
      addProviders(context, session, providers, { signal: options.signal, onProgress: options.onProgress, cid })
      return await fetchBlock(context.node, session, cid, options)
    } finally {
      session.close()
    }
  }

  async announce (cid: CID): Promise<void> {
    await this.context?.node.notifyNewBlocks([cid])
  }

  createSession (options: CreateSessionOptions = {}): SessionBlockBroker {
    const context = this.running()
    const session = context.node.createSession({ signal: options.signal })
    addProviders(context, session, options.providers ?? [], { signal: options.signal, onProgress: options.onProgress })
    return new SwapwrightSessionBroker(context, session, options.onProgress)
  }

  private running (): SessionContext {
    if (this.context == null) throw new NotStartedError('The Swapwright block broker')
    return this.context
  }
}
