import { logger } from '@libp2p/logger'
import { inject, injectable } from 'tsyringe'
import { DecisionEngine, type ServerStats } from './server/decision-engine.js'
import { Tokens } from './tokens.js'
import type { BitswapConfig } from './config.js'
import type { Blockstore } from './interfaces/blockstore.js'
import type { Clock } from './interfaces/clock.js'
import type { DecisionStrategy } from './interfaces/decision-strategy.js'
import type { BitswapNetwork, NetworkHandler } from './interfaces/network.js'
import type { PeerSelector } from './interfaces/peer-selector.js'
import type { ProviderFinder } from './interfaces/provider-finder.js'
import type { RandomSource } from './interfaces/random.js'
import type { RequestSplitter } from './interfaces/request-splitter.js'
import type { Components } from './slots.js'
import type { PeerKey, ProtocolVersion } from './types.js'
import type { DecodedMessage } from './wire/types.js'
import type { CID } from 'multiformats/cid'

const log = logger('swapwright:core:node')

/** Counters a node keeps about its traffic. */
export interface NodeStats {
  messagesReceived: number
  bytesReceived: number
  protocolErrors: number
  peers: number
  server: ServerStats
}

/** One Bitswap node: the components chosen for its slots, started and stopped together. */
@injectable()
export class Bitswap {
  readonly components: Readonly<Components>
  readonly config: Readonly<BitswapConfig>
  /** The server half: ledgers, task queue, replies. */
  readonly server: DecisionEngine
  private started = false
  private readonly peers = new Map<PeerKey, ProtocolVersion>()
  private readonly counters = { messagesReceived: 0, bytesReceived: 0, protocolErrors: 0 }

  constructor (
    @inject(Tokens.Network) network: BitswapNetwork,
    @inject(Tokens.Blockstore) blockstore: Blockstore,
    @inject(Tokens.Clock) clock: Clock,
    @inject(Tokens.Random) random: RandomSource,
    @inject(Tokens.ProviderFinder) providerFinder: ProviderFinder,
    @inject(Tokens.RequestSplitter) requestSplitter: RequestSplitter,
    @inject(Tokens.PeerSelector) peerSelector: PeerSelector,
    @inject(Tokens.DecisionStrategy) decisionStrategy: DecisionStrategy,
    @inject(Tokens.Config) config: BitswapConfig,
    @inject(DecisionEngine) server: DecisionEngine
  ) {
    this.server = server
    this.components = Object.freeze({
      network, blockstore, clock, random, providerFinder, requestSplitter, peerSelector, decisionStrategy
    })
    this.config = config
  }

  get isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    if (this.started) return
    this.server.start()
    await this.components.network.start(this.handler())
    this.started = true
    log('started %s', this.components.network.self)
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    await this.components.network.stop()
    await this.server.stop()
    this.peers.clear()
    log('stopped %s', this.components.network.self)
  }

  stats (): NodeStats {
    return { ...this.counters, peers: this.peers.size, server: this.server.stats() }
  }

  /**
   * Tells the node that blocks were added to its blockstore from outside Bitswap, so peers that asked for them
   * are served now.
   */
  async notifyNewBlocks (cids: readonly CID[]): Promise<void> {
    await this.server.blocksAdded(cids)
  }

  private handler (): NetworkHandler {
    return {
      onMessage: (peer: PeerKey, message: DecodedMessage, bytes: number) => {
        this.counters.messagesReceived++
        this.counters.bytesReceived += bytes
        void this.server.messageReceived(peer, message)
      },
      onPeerConnected: (peer, version) => { this.peers.set(peer, version) },
      onPeerDisconnected: (peer) => {
        this.peers.delete(peer)
        this.server.peerDisconnected(peer)
      },
      onProtocolError: (peer, error) => {
        this.counters.protocolErrors++
        log.error('protocol error from %s: %s', peer, error.message)
      }
    }
  }
}
