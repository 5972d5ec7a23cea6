import { logger } from '@libp2p/logger'
import { TypedEventEmitter } from 'main-event'
import { inject, injectable } from 'tsyringe'
import { BitswapClient, type ClientStats, type SessionOptions, type WantOptions } from './client/client.js'
import { DecisionEngine, type ServerStats } from './server/decision-engine.js'
import { PolicyGuard, type PolicyFailures } from './guard/policy-guard.js'
import { Tokens } from './tokens.js'
import { storeIntake } from './util/store-intake.js'
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
  client: ClientStats
  /** Calls into a policy that threw or answered nonsense, per slot; each fell back to a safe choice. */
  policyFailures: PolicyFailures
}

/** What a node announces; listen with `node.addEventListener('block:received', e => e.detail.cid)`. */
export interface BitswapEvents {
  /** A wanted block arrived, was verified and stored. */
  'block:received': CustomEvent<{ peer: PeerKey, cid: CID }>
  'peer:connected': CustomEvent<{ peer: PeerKey, version: ProtocolVersion }>
  'peer:disconnected': CustomEvent<{ peer: PeerKey }>
  /** A peer sent something we could not accept (its stream was dropped; the node goes on). */
  'peer:protocol-error': CustomEvent<{ peer: PeerKey, error: Error }>
}

/** One Bitswap node: the components chosen for its slots, started and stopped together. */
@injectable()
export class Bitswap extends TypedEventEmitter<BitswapEvents> {
  readonly components: Readonly<Components>
  readonly config: Readonly<BitswapConfig>
  /** The server half: ledgers, task queue, replies. */
  readonly server: DecisionEngine
  /** The client half: sessions, wants, message queues. */
  readonly client: BitswapClient
  private readonly guard: PolicyGuard
  private started = false
  private readonly peers = new Map<PeerKey, ProtocolVersion>()
  private readonly counters = { messagesReceived: 0, bytesReceived: 0, protocolErrors: 0 }
  /** Holds a received message's intake while the blockstore's disk is behind. */
  private readonly intake: (applied: Promise<void>) => Promise<void>

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
    @inject(DecisionEngine) server: DecisionEngine,
    @inject(BitswapClient) client: BitswapClient,
    @inject(PolicyGuard) guard: PolicyGuard
  ) {
    super()
    this.server = server
    this.client = client
    this.guard = guard
    this.intake = storeIntake(blockstore)
    client.onBlockReceived = (peer, cid) => {
      // Once per block: build the event only for someone listening.
      if (this.listenerCount('block:received') > 0) this.safeDispatchEvent('block:received', { detail: { peer, cid } })
    }
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
    this.client.start()
    await this.components.network.start(this.handler())
    for (const peer of this.components.network.connectedPeers()) {
      this.server.peerConnected(peer)
      this.client.peerConnected(peer)
    }
    this.started = true
    log('started %s', this.components.network.self)
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    this.client.stop()
    await this.components.network.stop()
    await this.server.stop()
    this.peers.clear()
    log('stopped %s', this.components.network.self)
  }

  stats (): NodeStats {
    return { ...this.counters, peers: this.peers.size, server: this.server.stats(), client: this.client.stats(), policyFailures: this.guard.stats() }
  }

  /** Fetches one block (from the blockstore if it is there). Aborting the signal cancels the want on the wire. */
  async want (cid: CID, options?: WantOptions): Promise<Uint8Array> {
    return this.client.want(cid, options)
  }

  /** A session for fetching related blocks (a DAG, a file) from the peers that turn out to have them. */
  createSession (options?: SessionOptions): ReturnType<BitswapClient['createSession']> {
    return this.client.createSession(options)
  }

  /** Every CID the node currently wants. */
  getWantlist (): CID[] {
    return this.client.wantlist()
  }

  /**
   * Tells the node that blocks were added to its blockstore from outside Bitswap, so peers that asked for them
   * are served now.
   */
  async notifyNewBlocks (cids: readonly CID[]): Promise<void> {
    this.client.announce(cids)
    await this.server.blocksAdded(cids)
  }

  private handler (): NetworkHandler {
    return {
      onMessage: (peer: PeerKey, message: DecodedMessage, bytes: number) => {
        this.counters.messagesReceived++
        this.counters.bytesReceived += bytes
        const served = this.server.messageReceived(peer, message)
        void this.client.messageReceived(peer, message)
        // Settles once the server has applied it: what the network's per-peer intake limit waits on. The client's
        // storing of received blocks is waited on only while the store says its disk is behind (storeIntake).
        return this.intake(served)
      },
      onBytes: (peer) => { this.client.bytesReceived(peer) },
      onPeerConnected: (peer, version) => {
        this.peers.set(peer, version)
        this.server.peerConnected(peer)
        this.client.peerConnected(peer)
        this.safeDispatchEvent('peer:connected', { detail: { peer, version } })
      },
      onPeerDisconnected: (peer) => {
        this.peers.delete(peer)
        this.server.peerDisconnected(peer)
        this.client.peerDisconnected(peer)
        this.safeDispatchEvent('peer:disconnected', { detail: { peer } })
      },
      onProtocolError: (peer, error) => {
        this.counters.protocolErrors++
        log.error('protocol error from %s: %s', peer, error.message)
        this.client.peerMisbehaved(peer)
        this.safeDispatchEvent('peer:protocol-error', { detail: { peer, error } })
      }
    }
  }
}
