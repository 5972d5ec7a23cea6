import type { Logger } from '@libp2p/logger'
import { TypedEventEmitter } from 'main-event'
import { errorMessage } from './errors.js'
import type { BitswapClient, ClientStats, SessionOptions, WantOptions } from './client/client.js'
import type { Session } from './client/session.js'
import type { DecisionEngine, ServerStats } from './server/decision-engine.js'
import type { PolicyFailures, PolicyGuard } from './guard/policy-guard.js'
import type { BitswapConfig } from './config.js'
import type { NetworkHandler } from './interfaces/network.js'
import type { Startable } from './plugin.js'
import type { Components, SlotName } from './registry.js'
import type { PeerKey, ProtocolVersion } from './types.js'
import type { DecodedMessage } from './wire/types.js'
import type { CID } from 'multiformats/cid'


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

/** What `createBitswap` builds a node from. */
export interface BitswapInit {
  components: Readonly<Components>
  config: Readonly<BitswapConfig>
  server: DecisionEngine
  client: BitswapClient
  guard: PolicyGuard
  /** The slots whose objects the node owns, in the order they were built: dependencies first. */
  startOrder: readonly SlotName[]
}

/**
 * One Bitswap node: the components chosen for its slots, started and stopped together. Built by `createBitswap`;
 * its client and server halves are internal (reach them in tests through `nodeParts` of `@swapwright/core/internal`).
 */
export class Bitswap extends TypedEventEmitter<BitswapEvents> {
  readonly components: Readonly<Components>
  readonly config: Readonly<BitswapConfig>
  private readonly server: DecisionEngine
  private readonly client: BitswapClient
  private readonly guard: PolicyGuard
  /** Every slot's object with a start or a stop (the network aside), in dependency order. */
  private readonly startables: ReadonlyArray<{ slot: SlotName, part: Startable }>
  private started = false
  private readonly peers = new Map<PeerKey, ProtocolVersion>()
  private readonly counters = { messagesReceived: 0, bytesReceived: 0, protocolErrors: 0 }
  private readonly log: Logger

  /** @internal `createBitswap` builds nodes; this takes its parts. */
  constructor (init: BitswapInit) {
    super()
    this.components = init.components
    this.log = init.components.logger.forComponent('swapwright:core:node')
    this.config = init.config
    this.server = init.server
    this.client = init.client
    this.guard = init.guard
    this.startables = startablesOf(init.components, init.startOrder)
    init.client.onBlockReceived = (peer, cid) => {
      // Once per block: build the event only for someone listening.
      if (this.listenerCount('block:received') > 0) this.safeDispatchEvent('block:received', { detail: { peer, cid } })
    }
    // The client's one way to the server: blocks it stored may be what peers are waiting for.
    init.client.onBlocksStored = (cids) => { void this.server.blocksAdded(cids) }
  }

  get isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    if (this.started) return
    await this.startPlugins()
    this.server.start()
    this.client.start()
    await this.components.network.start(this.handler())
    for (const peer of this.components.network.connectedPeers()) {
      this.server.peerConnected(peer)
      this.client.peerConnected(peer)
    }
    this.started = true
    this.log('started %s', this.components.network.self)
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    this.client.stop()
    await this.components.network.stop()
    await this.server.stop()
    await this.stopPlugins(this.startables)
    this.peers.clear()
    this.log('stopped %s', this.components.network.self)
  }

  stats (): NodeStats {
    return { ...this.counters, peers: this.peers.size, server: this.server.stats(), client: this.client.stats(), policyFailures: this.guard.stats() }
  }

  /** Fetches one block (from the blockstore if it is there). Aborting the signal cancels the want on the wire. */
  async want (cid: CID, options?: WantOptions): Promise<Uint8Array> {
    return this.client.want(cid, options)
  }

  /** A session for fetching related blocks (a DAG, a file) from the peers that turn out to have them. */
  createSession (options?: SessionOptions): Session {
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

  /** Plugins start in dependency order; if one fails, those already started are stopped again. */
  private async startPlugins (): Promise<void> {
    for (let i = 0; i < this.startables.length; i++) {
      try {
        await this.startables[i].part.start?.()
      } catch (err) {
        await this.stopPlugins(this.startables.slice(0, i))
        throw err
      }
    }
  }

  /** In reverse order, each stopped even if another's stop threw: a stop is cleanup and must reach everyone. */
  private async stopPlugins (started: ReadonlyArray<{ slot: SlotName, part: Startable }>): Promise<void> {
    for (const { slot, part } of [...started].reverse()) {
      try {
        await part.stop?.()
      } catch (err) {
        this.log.error('stopping the %s plugin failed: %s', slot, errorMessage(err))
      }
    }
  }

  private handler (): NetworkHandler {
    return {
      onMessage: (peer: PeerKey, message: DecodedMessage, bytes: number) => {
        this.counters.messagesReceived++
        this.counters.bytesReceived += bytes
        const served = this.server.messageReceived(peer, message)
        void this.client.messageReceived(peer, message)
        // Settles once the server has applied it: what the network's per-peer intake limit waits on. The client's
        // storing of received blocks is not waited on here: a node that stops reading while its disk catches up
        // leaves peers' replies unread, and a Kubo seed then gives up on those writes and drops the blocks (its
        // fetch stalled in the interop suite). Back-pressure from the store belongs in how much a session asks for.
        return served
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
        this.log.error('protocol error from %s: %s', peer, error.message)
        this.client.peerMisbehaved(peer)
        this.safeDispatchEvent('peer:protocol-error', { detail: { peer, error } })
      }
    }
  }
}

/** The slots' objects that have a start or a stop, in `order`; the network is started by the node itself. */
function startablesOf (components: Readonly<Components>, order: readonly SlotName[]): Array<{ slot: SlotName, part: Startable }> {
  // One object may fill two slots: it is started once, and never here if it is the network.
  const seen = new Set<unknown>([components.network])
  const startables: Array<{ slot: SlotName, part: Startable }> = []
  for (const slot of order) {
    const part = components[slot] as Startable
    if (seen.has(part)) continue
    seen.add(part)
    if (typeof part.start === 'function' || typeof part.stop === 'function') startables.push({ slot, part })
  }
  return startables
}
