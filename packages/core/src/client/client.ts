import { logger } from '@libp2p/logger'
import { inject, injectable } from 'tsyringe'
import { AbortError, NotStartedError } from '../errors.js'
import { DecisionEngine } from '../server/decision-engine.js'
import { Tokens } from '../tokens.js'
import { LruMap } from '../util/lru-map.js'
import { blockKey } from '../wire/prefix.js'
import { cidOfBlock, defaultHashers } from '../wire/verify.js'
import { DontHaveTimeoutManager } from './dont-have-timeout-manager.js'
import { MessageQueue } from './message-queue.js'
import { Notifications } from './notifications.js'
import { ProviderQueryManager } from './provider-query-manager.js'
import { Session } from './session.js'
import { WantManager } from './want-manager.js'
import type { BitswapConfig } from '../config.js'
import type { Blockstore } from '../interfaces/blockstore.js'
import type { Clock } from '../interfaces/clock.js'
import type { BitswapNetwork } from '../interfaces/network.js'
import type { PeerSelector } from '../interfaces/peer-selector.js'
import type { ProviderFinder } from '../interfaces/provider-finder.js'
import type { RandomSource } from '../interfaces/random.js'
import type { RequestSplitter } from '../interfaces/request-splitter.js'
import type { AbortOptions, PeerKey } from '../types.js'
import type { DecodedMessage } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

const log = logger('swapwright:core:client')

/** Progress of a fetch, for `onProgress`. */
export type WantProgressEvent =
  | { type: 'bitswap:want:local', detail: CID }
  | { type: 'bitswap:want:sent', detail: CID }
  | { type: 'bitswap:want:received', detail: CID }

export interface WantOptions extends AbortOptions {
  onProgress?: (event: WantProgressEvent) => void
}

export interface SessionOptions extends AbortOptions {
  /** Peers to start with (they are dialled and join the session); more are found as the session runs. */
  providers?: PeerKey[]
}

export interface ClientStats {
  blocksReceived: number
  dataReceived: number
  duplicateBlocks: number
  /** Blocks nobody wanted: dropped, never stored. */
  unwantedBlocks: number
  /** Blocks whose bytes could not be hashed against their prefix (unknown hash, bad prefix): dropped. */
  invalidBlocks: number
  /** Blocks received but not stored because the blockstore failed. */
  storeFailures: number
  sessions: number
  wantlistSize: number
}

/**
 * The fetching half of Bitswap: sessions, the node's wantlist and the peers' message queues. Every block that
 * arrives is hashed and must be exactly a wanted CID, or it is dropped; a wanted block is stored, handed to the
 * server (peers may be waiting for it), then delivered.
 */
@injectable()
export class BitswapClient {
  private readonly network: BitswapNetwork
  private readonly blockstore: Blockstore
  private readonly clock: Clock
  private readonly random: RandomSource
  private readonly splitter: RequestSplitter
  private readonly selector: PeerSelector
  private readonly config: BitswapConfig
  private readonly server: DecisionEngine
  private readonly providers: ProviderQueryManager
  private readonly finder: ProviderFinder
  readonly wantManager: WantManager
  /** Per connected peer: the WANT_BLOCKs it owes an answer for, and when to stop waiting. */
  private readonly timeouts = new Map<PeerKey, DontHaveTimeoutManager>()
  /** Set by the node to announce each verified, stored block. */
  onBlockReceived: ((peer: PeerKey, cid: CID) => void) | undefined
  private readonly notifications = new Notifications()
  private readonly sessions = new Map<number, Session>()
  /** Which sessions took a block lately, so a second copy is counted as their duplicate. */
  private readonly recent: LruMap<string, number[]>
  private nextSessionId = 1
  private running = false
  private readonly counters = { blocksReceived: 0, dataReceived: 0, duplicateBlocks: 0, unwantedBlocks: 0, invalidBlocks: 0, storeFailures: 0 }

  constructor (
    @inject(Tokens.Network) network: BitswapNetwork,
    @inject(Tokens.Blockstore) blockstore: Blockstore,
    @inject(Tokens.Clock) clock: Clock,
    @inject(Tokens.Random) random: RandomSource,
    @inject(Tokens.RequestSplitter) splitter: RequestSplitter,
    @inject(Tokens.PeerSelector) selector: PeerSelector,
    @inject(Tokens.Config) config: BitswapConfig,
    @inject(DecisionEngine) server: DecisionEngine,
    @inject(ProviderQueryManager) providers: ProviderQueryManager,
    @inject(Tokens.ProviderFinder) finder: ProviderFinder
  ) {
    this.finder = finder
    this.network = network
    this.blockstore = blockstore
    this.clock = clock
    this.random = random
    this.splitter = splitter
    this.selector = selector
    this.config = config
    this.server = server
    this.providers = providers
    this.recent = new LruMap(config.sessionReceivedMemory)
    this.wantManager = new WantManager(peer => this.newQueue(peer))
  }

  start (): void {
    this.running = true
    this.providers.start()
  }

  stop (): void {
    this.running = false
    for (const session of [...this.sessions.values()]) session.close()
    this.notifications.rejectAll(new AbortError('The node stopped'))
    this.wantManager.stop()
    this.providers.stop()
    for (const timeouts of this.timeouts.values()) timeouts.stop()
    this.timeouts.clear()
  }

  /** A peer's queue, wired to its DONT_HAVE timeouts: a silent peer is treated as having said DONT_HAVE. */
  private newQueue (peer: PeerKey): MessageQueue {
    const timeouts = new DontHaveTimeoutManager({
      clock: this.clock,
      peer,
      onTimeout: cids => { this.presencesReceived(peer, cids.map(cid => ({ cid, type: 'dont-have' as const })), true) }
    })
    const rtt = this.network.latency(peer)
    if (rtt != null) timeouts.setLatency(rtt)
    this.timeouts.get(peer)?.stop()
    this.timeouts.set(peer, timeouts)
    return new MessageQueue({
      peer,
      network: this.network,
      clock: this.clock,
      config: this.config,
      onWantBlocksSent: cids => { timeouts.addPending(cids) },
      onCancelled: cids => { timeouts.cancel(cids) }
    })
  }

  /** One block, from the blockstore or the network. Aborting withdraws the want and cancels it on the wire. */
  async want (cid: CID, options: WantOptions = {}): Promise<Uint8Array> {
    const session = this.createSession({ signal: options.signal })
    try {
      const local = await this.local(cid, options)
      if (local != null) {
        options.onProgress?.({ type: 'bitswap:want:local', detail: cid })
        return local
      }
      options.onProgress?.({ type: 'bitswap:want:sent', detail: cid })
      const bytes = await session.getBlock(cid, options)
      options.onProgress?.({ type: 'bitswap:want:received', detail: cid })
      return bytes
    } finally {
      session.close()
    }
  }

  /** A session: wants that share peers and what was learned about them. It ends when its signal aborts. */
  createSession (options: SessionOptions = {}): Session {
    if (!this.running) throw new NotStartedError('The Bitswap client')
    options.signal?.throwIfAborted()
    const id = this.nextSessionId++
    const context = { sessionId: id }
    const session = new Session({
      id,
      clock: this.clock,
      random: this.random,
      config: this.config,
      wantManager: this.wantManager,
      notifications: this.notifications,
      selector: this.selector.forSession(context),
      splitter: this.splitter.forSession(context),
      local: async (cid, opts) => this.local(cid, opts),
      findProviders: (cid, opts) => this.providers.findProviders(cid, opts),
      onClose: closed => { this.sessions.delete(closed.id) }
    })
    this.sessions.set(id, session)
    options.signal?.addEventListener('abort', () => { session.close() }, { once: true })
    for (const peer of options.providers ?? []) {
      void this.network.connect(peer, { signal: options.signal }).then(
        () => { session.addPeer(peer) },
        err => { log('could not reach provider %s: %s', peer, (err as Error).message) }
      )
    }
    return session
  }

  /** The node's wantlist: every CID some session still wants. */
  wantlist (): CID[] {
    return this.wantManager.wantlist()
  }

  stats (): ClientStats {
    return { ...this.counters, sessions: this.sessions.size, wantlistSize: this.wantManager.wantlist().length }
  }

  peerConnected (peer: PeerKey): void {
    this.wantManager.peerConnected(peer)
  }

  peerDisconnected (peer: PeerKey): void {
    this.wantManager.peerDisconnected(peer)
    this.timeouts.get(peer)?.stop()
    this.timeouts.delete(peer)
    for (const session of this.sessions.values()) session.peerDisconnected(peer)
  }

  /** Blocks and presences from a peer. */
  async messageReceived (peer: PeerKey, message: DecodedMessage): Promise<void> {
    const answered = await Promise.all(message.blocks.map(async block => this.blockReceived(peer, block)))
    const timeouts = this.timeouts.get(peer)
    if (timeouts != null) {
      timeouts.responseReceived([...answered.filter(cid => cid != null), ...message.presences.map(p => p.cid)])
    }
    this.presencesReceived(peer, message.presences, false)
  }

  private presencesReceived (peer: PeerKey, presences: ReadonlyArray<{ cid: CID, type: 'have' | 'dont-have' }>, timedOut: boolean): void {
    const refused = presences.filter(p => p.type === 'dont-have').map(p => p.cid)
    if (refused.length > 0) this.wantManager.queue(peer)?.refused(refused)
    // HAVEs first: a peer holding a HAVE for a live want is not dropped for the DONT_HAVEs in the same message.
    const ordered = [...presences].sort((a, b) => (a.type === 'have' ? 0 : 1) - (b.type === 'have' ? 0 : 1))
    for (const presence of ordered) {
      for (const id of this.wantManager.sessionsWanting(presence.cid)) {
        this.sessions.get(id)?.presenceReceived(peer, presence.cid, presence.type, timedOut)
      }
    }
  }

  /** Returns the block's CID when its bytes are a valid block (wanted or not). */
  private async blockReceived (peer: PeerKey, block: DecodedMessage['blocks'][number]): Promise<CID | undefined> {
    let cid: CID
    try {
      cid = await cidOfBlock(block, defaultHashers)
    } catch (err) {
      this.counters.invalidBlocks++
      log('dropped a block from %s: %s', peer, (err as Error).message)
      return undefined
    }
    const key = blockKey(cid)
    const sessions = [...this.wantManager.sessionsWanting(cid)]
    if (sessions.length === 0) {
      const earlier = this.recent.get(key)
      if (earlier == null) {
        this.counters.unwantedBlocks++
        return cid
      }
      this.counters.duplicateBlocks++
      for (const id of earlier) this.sessions.get(id)?.duplicateReceived(peer, cid)
      return cid
    }
    // Claim the block before the first await, so a second copy arriving meanwhile counts as a duplicate.
    const wanted = this.wantManager.wantedCid(cid) ?? cid
    this.recent.set(key, sessions)
    this.wantManager.blockReceived(cid)
    this.counters.blocksReceived++
    this.counters.dataReceived += block.data.byteLength
    try {
      await this.blockstore.put(wanted, block.data)
      void this.server.blocksAdded([wanted])
      this.announce([wanted])
    } catch (err) {
      // Still delivered: the caller asked for the bytes, and they are verified.
      this.counters.storeFailures++
      log.error('storing %s failed: %s', wanted, (err as Error).message)
    }
    for (const id of sessions) this.sessions.get(id)?.blockReceived(peer, wanted)
    this.notifications.publish(wanted, block.data)
    this.onBlockReceived?.(peer, wanted)
    return cid
  }

  /** Tells the routing system we hold these now; failures only cost the announcement, never the block. */
  announce (cids: readonly CID[]): void {
    if (!this.config.announceBlocks) return
    for (const cid of cids) {
      this.finder.provide(cid).catch((err: Error) => { log('announcing %s failed: %s', cid, err.message) })
    }
  }

  private async local (cid: CID, options: AbortOptions): Promise<Uint8Array | undefined> {
    try {
      if (!(await this.blockstore.has(cid, options))) return undefined
      const chunks: Uint8Array[] = []
      for await (const chunk of this.blockstore.get(cid, options)) chunks.push(chunk)
      return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err
      return undefined
    }
  }
}
