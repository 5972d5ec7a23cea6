import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import { inject, injectable } from 'tsyringe'
import { AbortError, errorMessage, NotStartedError, UncarriableWantError, UnknownHashError } from '../errors.js'
import { GuardedTokens, Tokens } from '../registry.js'
import { LruMap } from '../util/lru-map.js'
import { collectChunks } from '../util/collect-chunks.js'
import { blockKey, IDENTITY_CODE, toCidV0 } from '../wire/prefix.js'
import { supportsCidPrefixes } from '../wire/versions.js'
import { blockCid, blockCidOfFastKey, fastBlockKey, HasherRegistry, isPromiseLike } from '../wire/verify.js'
import { NullProviderFinder } from '../null/null-provider-finder.js'
import { MessageQueue } from './message-queue.js'
import { Arrivals } from './arrivals.js'
import { Notifications } from './notifications.js'
import { PeerHistory } from './peer-history.js'
import { ProviderQueryManager } from './provider-query-manager.js'
import { Session } from './session.js'
import { UnsendableReporter } from './unsendable-reporter.js'
import { WantBroadcaster } from './want-broadcaster.js'
import { WantManager } from './want-manager.js'
import type { BitswapConfig } from '../config.js'
import type { Blockstore } from '../interfaces/blockstore.js'
import type { BroadcastPolicy } from '../interfaces/broadcast-policy.js'
import type { Clock } from '../interfaces/clock.js'
import type { BitswapNetwork } from '../interfaces/network.js'
import type { PeerSelector } from '../interfaces/peer-selector.js'
import type { ProviderFinder } from '../interfaces/provider-finder.js'
import type { RandomSource } from '../interfaces/random.js'
import type { RequestSplitter } from '../interfaces/request-splitter.js'
import type { AbortOptions, PeerKey } from '../types.js'
import type { DecodedMessage } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

const DONE: Promise<void> = Promise.resolve()

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
  /**
   * Broadcast WANT_HAVEs (to peers outside the asking session) in messages the network took: each time one goes
   * out, so a rebroadcast counts again, and one cancelled or upgraded before its message left does not.
   */
  broadcastWantHaves: number
}

/**
 * The fetching half of Bitswap: sessions, the node's wantlist and the peers' message queues. Every block that
 * arrives is hashed and must be exactly a wanted CID, or it is dropped; a wanted block is stored, reported through
 * `onBlocksStored` (the node hands it to its server: peers may be waiting for it), then delivered. The client
 * knows nothing of the server, so it can be built and tested alone.
 */
@injectable()
export class BitswapClient {
  private readonly log: Logger
  private readonly logger: ComponentLogger
  private readonly network: BitswapNetwork
  private readonly blockstore: Blockstore
  private readonly clock: Clock
  private readonly random: RandomSource
  private readonly splitter: RequestSplitter
  private readonly selector: PeerSelector
  private readonly config: BitswapConfig
  private readonly providers: ProviderQueryManager
  private readonly finder: ProviderFinder
  readonly wantManager: WantManager
  /** What each connected peer gave us, for the broadcast policy's views. */
  private readonly history = new PeerHistory()
  private readonly broadcastPolicy: BroadcastPolicy
  private readonly broadcaster: WantBroadcaster
  /** The network as the message queues use it: it reports wants a peer's version cannot carry. */
  private readonly sender: UnsendableReporter
  /** The node's hash functions: what received blocks are verified with, and so which CIDs can be wanted. */
  private readonly hashers: HasherRegistry
  /** Set by the node to announce each verified, stored block. */
  onBlockReceived: ((peer: PeerKey, cid: CID) => void) | undefined
  /** Set by the node to tell its server of blocks this client stored, so peers waiting for them are served. */
  onBlocksStored: ((cids: readonly CID[]) => void) | undefined
  private readonly notifications = new Notifications()
  private readonly sessions = new Map<number, Session>()
  /** Provider searches under way, by block key: a want no connected peer can carry waits for them. */
  private readonly searching = new Map<string, number>()
  /** Which sessions took a block lately, so a second copy is counted as their duplicate. */
  private readonly recent: LruMap<string, number[]>
  private nextSessionId = 1
  private running = false
  private readonly counters = { blocksReceived: 0, dataReceived: 0, duplicateBlocks: 0, unwantedBlocks: 0, invalidBlocks: 0, storeFailures: 0, broadcastWantHaves: 0 }

  constructor (
    @inject(Tokens.Network) network: BitswapNetwork,
    @inject(Tokens.Blockstore) blockstore: Blockstore,
    @inject(Tokens.Clock) clock: Clock,
    @inject(Tokens.Random) random: RandomSource,
    @inject(GuardedTokens.RequestSplitter) splitter: RequestSplitter,
    @inject(GuardedTokens.PeerSelector) selector: PeerSelector,
    @inject(Tokens.Config) config: BitswapConfig,
    @inject(ProviderQueryManager) providers: ProviderQueryManager,
    @inject(Tokens.ProviderFinder) finder: ProviderFinder,
    @inject(HasherRegistry) hashers: HasherRegistry,
    @inject(GuardedTokens.BroadcastPolicy) broadcastPolicy: BroadcastPolicy,
    @inject(Tokens.Logger) logger: ComponentLogger = defaultLogger()
  ) {
    this.logger = logger
    this.log = logger.forComponent('swapwright:core:client')
    this.finder = finder
    this.hashers = hashers
    this.network = network
    this.blockstore = blockstore
    this.clock = clock
    this.random = random
    this.splitter = splitter
    this.selector = selector
    this.config = config
    this.providers = providers
    this.recent = new LruMap(config.sessionReceivedMemory)
    this.wantManager = new WantManager(peer => this.newQueue(peer))
    this.broadcastPolicy = broadcastPolicy
    this.broadcaster = new WantBroadcaster({ policy: broadcastPolicy, clock, wantManager: this.wantManager, history: this.history, network })
    this.wantManager.targets = this.broadcaster
    this.sender = new UnsendableReporter(network, clock, (peer, cids) => { this.unsendable(peer, cids) })
  }

  /** Wants a peer's protocol version cannot carry: that peer's DONT_HAVE, now rather than after a timeout. */
  private unsendable (peer: PeerKey, cids: CID[]): void {
    this.wantManager.queue(peer)?.cannotCarry(cids)
    this.presencesReceived(peer, cids.map(cid => ({ cid, type: 'dont-have' as const })), false)
    // With a provider finder, the sessions' searches decide (each is checked when it ends); without one, now.
    if (this.finder instanceof NullProviderFinder) for (const cid of cids) this.failIfUncarriable(cid)
  }

  /**
   * The rule for a want no peer can carry: it fails with `UncarriableWantError` when at least one peer is
   * connected, none of them speaks a version that can name the CID, and no provider search for it is under way.
   * With no peer at all it waits (one may connect); while a search runs it waits for the search's peers.
   */
  private failIfUncarriable (cid: CID): void {
    if (this.searching.has(blockKey(cid)) || this.wantManager.sessionsWanting(cid).size === 0) return
    const peers = this.network.connectedPeers()
    if (peers.length === 0 || toCidV0(cid) != null) return
    for (const peer of peers) {
      const version = this.network.version(peer)
      if (version == null || supportsCidPrefixes(version)) return
    }
    this.log('no connected peer can carry a want for %s', cid)
    this.notifications.reject(cid, new UncarriableWantError(cid, peers))
  }

  /** A session's provider search, counted while it runs; when it ends, a want no peer can carry fails. */
  private async * searchProviders (cid: CID, options: AbortOptions): AsyncGenerator<PeerKey, void, undefined> {
    const key = blockKey(cid)
    this.searching.set(key, (this.searching.get(key) ?? 0) + 1)
    try {
      yield * this.providers.findProviders(cid, options)
    } finally {
      const left = (this.searching.get(key) ?? 1) - 1
      if (left > 0) this.searching.set(key, left)
      else this.searching.delete(key)
      if (options.signal?.aborted !== true) this.failIfUncarriable(cid)
    }
  }

  start (): void {
    this.running = true
    this.providers.start()
  }

  stop (): void {
    this.running = false
    for (const session of [...this.sessions.values()]) session.close()
    // Only with someone to tell: a swarm of hundreds of nodes stopping built an error with its stack for each.
    if (this.notifications.size > 0) this.notifications.rejectAll(new AbortError('The node stopped'))
    this.broadcaster.stop()
    this.wantManager.stop()
    this.providers.stop()
  }

  /** A peer's queue; a WANT_BLOCK it leaves unanswered past its timeout counts as DONT_HAVE. */
  private newQueue (peer: PeerKey): MessageQueue {
    return new MessageQueue({
      logger: this.logger,
      peer,
      network: this.sender,
      clock: this.clock,
      config: this.config,
      latency: this.network.latency(peer),
      onBroadcastsSent: count => { this.counters.broadcastWantHaves += count },
      onDontHaveTimeout: cids => { this.presencesReceived(peer, cids.map(cid => ({ cid, type: 'dont-have' as const })), true) }
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
      logger: this.logger,
      id,
      clock: this.clock,
      random: this.random,
      config: this.config,
      wantManager: this.wantManager,
      notifications: this.notifications,
      selector: this.selector.forSession(context),
      splitter: this.splitter.forSession(context),
      local: (cid, opts) => this.local(cid, opts),
      findProviders: (cid, opts) => this.searchProviders(cid, opts),
      redial: async (peer, opts) => this.network.connect(peer, opts),
      onClose: closed => { this.sessions.delete(closed.id) }
    })
    this.sessions.set(id, session)
    options.signal?.addEventListener('abort', () => { session.close() }, { once: true })
    for (const peer of options.providers ?? []) {
      // A provider already connected joins at once: the session's first wants then go to it as targeted wants,
      // not as a broadcast that it would answer as well (a small block twice).
      if (this.wantManager.queue(peer) != null) {
        session.addPeer(peer)
        continue
      }
      session.awaitProvider(this.network.connect(peer, { signal: options.signal }).then(
        () => { session.addPeer(peer) },
        err => { this.log('could not reach provider %s: %s', peer, errorMessage(err)) }
      ))
    }
    return session
  }

  /** The node's wantlist: every CID some session still wants. */
  wantlist (): CID[] {
    return this.wantManager.wantlist()
  }

  stats (): ClientStats {
    return {
      ...this.counters,
      sessions: this.sessions.size,
      wantlistSize: this.wantManager.wantlist().length
    }
  }

  peerConnected (peer: PeerKey): void {
    this.history.connected(peer, this.clock.now())
    this.wantManager.peerConnected(peer)
    for (const session of this.sessions.values()) session.peerConnected(peer)
  }

  /** Bytes arrived from the peer, part of a message still on its way: it is alive and sending. */
  bytesReceived (peer: PeerKey): void {
    this.wantManager.queue(peer)?.alive()
  }

  /**
   * The peer sent something we could not accept, maybe the answer to our wants: they are treated as DONT_HAVE
   * now, so sessions ask other peers at once rather than after the timeout.
   */
  peerMisbehaved (peer: PeerKey): void {
    this.wantManager.queue(peer)?.answersLost()
  }

  peerDisconnected (peer: PeerKey): void {
    this.history.disconnected(peer)
    this.wantManager.peerDisconnected(peer)
    for (const session of this.sessions.values()) session.peerDisconnected(peer)
  }

  /**
   * Blocks and presences from a peer. Each block is hashed, claimed and stored as it comes; what follows from the
   * blocks (the answer times, the CANCELs to other peers, the server's and the sessions' news) is done once for
   * the message, not once per block. Runs to the end without waiting when hashing and storing answer at once (as
   * sha2 in Node and an in-memory store do), so a message of many small blocks costs no promise per block; the
   * promise settles once every block is stored and delivered.
   */
  messageReceived (peer: PeerKey, message: DecodedMessage): Promise<void> {
    // Blocks are a sign of life, and bytes reported queued for us say more are on their way: the peer's wants
    // do not expire for silence while it delivers. Presences answer their own CIDs only: a peer that keeps
    // saying HAVE and never sends the block must not hold our WANT_BLOCKs forever.
    if (message.blocks.length > 0 || message.pendingBytes > 0) this.wantManager.queue(peer)?.heardFrom(message.pendingBytes)
    if (message.blocks.length === 0) {
      this.answersReceived(peer, message)
      return DONE
    }
    const arrivals = new Arrivals()
    let storing: Array<PromiseLike<unknown>> | undefined
    for (const block of message.blocks) {
      const outcome = this.blockReceived(peer, block, arrivals)
      if (isPromiseLike(outcome)) (storing ??= []).push(outcome)
    }
    this.blocksAnswered(peer, arrivals)
    if (storing == null) {
      this.blocksArrived(peer, arrivals)
      this.answersReceived(peer, message)
      return DONE
    }
    return Promise.all(storing).then(() => {
      // Blocks whose hash answered later were claimed after the first pass.
      this.blocksAnswered(peer, arrivals)
      this.blocksArrived(peer, arrivals)
      this.answersReceived(peer, message)
    })
  }

  /**
   * The wanted blocks of a message, claimed: the peer's answer time is recorded first, then every other peer
   * asked for them hears CANCEL (recorded the other way round, the cancel would leave nothing to learn from).
   */
  private blocksAnswered (peer: PeerKey, arrivals: Arrivals): void {
    const answered = arrivals.takeAnswered()
    if (answered.length === 0) return
    this.wantManager.queue(peer)?.responseReceived(answered)
    for (let i = 0; i < answered.length; i++) this.answered(peer, 'block')
    this.wantManager.cancelReceived(answered, peer)
    arrivals.unwritten.push(...answered)
  }

  /**
   * The stored blocks of a message go to the server, the routing system, the sessions and the waiters, and
   * the places their wants held in the sender's window to the next wants.
   */
  private blocksArrived (peer: PeerKey, arrivals: Arrivals): void {
    this.wantManager.written(arrivals.unwritten, peer)
    if (arrivals.stored.length > 0) {
      this.onBlocksStored?.(arrivals.stored)
      this.announce(arrivals.stored)
    }
    for (const [id, blocks] of arrivals.bySession()) this.sessions.get(id)?.blocksReceived(peer, blocks)
    for (const { cid, bytes } of arrivals.delivered) {
      this.notifications.publish(cid, bytes)
      this.onBlockReceived?.(peer, cid)
    }
  }

  /** After a message's blocks (each recorded as an answer when it came): its presences answer our wants too. */
  private answersReceived (peer: PeerKey, message: DecodedMessage): void {
    if (message.presences.length === 0) return
    // A HAVE is no answer to a WANT_BLOCK (the block is): only a DONT_HAVE ends the wait for one.
    const refused = message.presences.filter(presence => presence.type === 'dont-have').map(presence => presence.cid)
    if (refused.length > 0) this.wantManager.queue(peer)?.responseReceived(refused)
    this.presencesReceived(peer, message.presences, false)
  }

  private presencesReceived (peer: PeerKey, presences: ReadonlyArray<{ cid: CID, type: 'have' | 'dont-have' }>, timedOut: boolean): void {
    // A DONT_HAVE the peer sent makes asking it again worth a message; a silence does not: it still holds the
    // want, and asking again could only have it send the block twice.
    if (!timedOut) {
      const refused = presences.filter(p => p.type === 'dont-have').map(p => p.cid)
      if (refused.length > 0) this.wantManager.queue(peer)?.refused(refused)
      this.answered(peer, presences.some(p => p.type === 'have') ? 'have' : 'dont-have')
    }
    // HAVEs first: a peer holding a HAVE for a live want is not dropped for the DONT_HAVEs in the same message.
    for (const type of ['have', 'dont-have'] as const) {
      for (const presence of presences) {
        if (presence.type !== type) continue
        if (type === 'have' && !timedOut) this.broadcaster.heardHave(presence.cid)
        for (const id of this.wantManager.sessionsWanting(presence.cid)) {
          this.sessions.get(id)?.presenceReceived(peer, presence.cid, type, timedOut)
        }
      }
    }
  }

  /** Returns the block's CID when its bytes are a valid block (wanted or not), as soon as it is stored. */
  private blockReceived (peer: PeerKey, block: DecodedMessage['blocks'][number], arrivals: Arrivals): CID | undefined | PromiseLike<CID | undefined> {
    let cid: CID | Promise<CID>
    try {
      // Nearly every block: hash it straight to the key it is wanted under, and use the wanted CID from there on.
      const key = fastBlockKey(block, this.hashers)
      const interest = key === undefined ? undefined : this.wantManager.wantedByKey(key)
      if (key !== undefined && interest !== undefined && interest.sessions.size > 0) {
        return this.wantedBlock(block, key, interest.cid, [...interest.sessions], arrivals)
      }
      cid = key === undefined ? blockCid(block, this.hashers) : blockCidOfFastKey(block, key, this.hashers)
    } catch (err) {
      return this.invalidBlock(peer, err)
    }
    if (isPromiseLike(cid)) return cid.then(verified => this.verifiedBlock(peer, block, verified, arrivals), err => this.invalidBlock(peer, err))
    return this.verifiedBlock(peer, block, cid, arrivals)
  }

  /** A block whose bytes cannot be checked: whatever want it answered failed, so the peer's pending ones expire. */
  private invalidBlock (peer: PeerKey, err: unknown): undefined {
    this.counters.invalidBlocks++
    this.log('dropped a block from %s: %s', peer, errorMessage(err))
    this.wantManager.queue(peer)?.answersLost()
    return undefined
  }

  /** A block whose bytes hash to `cid`: stored and delivered if some session wants it, else only counted. */
  private verifiedBlock (peer: PeerKey, block: DecodedMessage['blocks'][number], cid: CID, arrivals: Arrivals): CID | PromiseLike<CID> {
    const key = blockKey(cid)
    const wanting = this.wantManager.sessionsWanting(cid)
    if (wanting.size === 0) {
      const earlier = this.recent.get(key)
      if (earlier == null) {
        // Neither wanted nor a late copy: most likely a corrupt answer to one of our WANT_BLOCKs (its bytes
        // hash to something nobody asked for). We cannot tell which, so every WANT_BLOCK the peer owes an
        // answer for counts as unanswered, and sessions ask elsewhere now instead of after the timeout.
        this.counters.unwantedBlocks++
        this.wantManager.queue(peer)?.answersLost()
        return cid
      }
      this.counters.duplicateBlocks++
      for (const id of earlier) this.sessions.get(id)?.duplicateReceived(peer, cid)
      return cid
    }
    return this.wantedBlock(block, key, this.wantManager.wantedCid(cid) ?? cid, [...wanting], arrivals)
  }

  /**
   * A verified block some sessions want, under `key`: claimed, stored, and left in `arrivals` for its message's
   * pass. Returns the wanted CID (what the block answers) once stored.
   */
  private wantedBlock (block: DecodedMessage['blocks'][number], key: string, wanted: CID, sessions: number[], arrivals: Arrivals): CID | PromiseLike<CID> {
    // Claimed before it is stored, so a second copy arriving meanwhile (even in this message) is a duplicate.
    this.recent.set(key, sessions)
    this.wantManager.claim(wanted)
    arrivals.answered.push(wanted)
    this.counters.blocksReceived++
    this.counters.dataReceived += block.data.byteLength
    const arrival = { cid: wanted, bytes: block.data, sessions }
    let stored
    try {
      stored = this.blockstore.put(wanted, block.data)
    } catch (err) {
      this.storeFailed(wanted, err)
      arrivals.delivered.push(arrival)
      return wanted
    }
    if (isPromiseLike(stored)) {
      return stored.then(() => { arrivals.stored.push(wanted) }, err => { this.storeFailed(wanted, err) }).then(() => {
        arrivals.delivered.push(arrival)
        return wanted
      })
    }
    arrivals.stored.push(wanted)
    arrivals.delivered.push(arrival)
    return wanted
  }

  /** A peer's answer (a message's presences count once, as HAVE if any is): the broadcast policy's evidence. */
  private answered (peer: PeerKey, type: 'block' | 'have' | 'dont-have'): void {
    const at = this.clock.now()
    if (type === 'block') this.history.block(peer, at)
    else if (type === 'have') this.history.have(peer, at)
    this.broadcastPolicy.observe?.({ peer, type, at })
  }

  /** Still delivered: the caller asked for the bytes, and they are verified. */
  private storeFailed (cid: CID, err: unknown): void {
    this.counters.storeFailures++
    this.log.error('storing %s failed: %s', cid, errorMessage(err))
  }

  /** Tells the routing system we hold these now; failures only cost the announcement, never the block. */
  announce (cids: readonly CID[]): void {
    // Nothing to tell when no routing is plugged in: no promise per block for nobody.
    if (!this.config.announceBlocks || this.finder instanceof NullProviderFinder) return
    for (const cid of cids) {
      this.finder.provide(cid).catch((err: Error) => { this.log('announcing %s failed: %s', cid, err.message) })
    }
  }

  /**
   * The block from the blockstore, or undefined when it is not there (or cannot be read). Answers at once when
   * the store does, as an in-memory one does for `has`: a fetch of thousands of blocks looks each one up first.
   */
  private local (cid: CID, options: AbortOptions): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    // Every want passes here first. An identity CID carries its block as its digest: nothing to fetch or store.
    // A CID whose hash this node cannot verify could never be accepted from a peer: fail now, not at a timeout.
    const code = cid.multihash.code
    if (code === IDENTITY_CODE) return cid.multihash.digest
    if (!this.hashers.has(code)) throw new UnknownHashError(code)
    let has
    try {
      has = this.blockstore.has(cid, options)
    } catch (err) {
      return unreadable(err)
    }
    if (isPromiseLike(has)) return Promise.resolve(has).then(found => found ? this.read(cid, options) : undefined, unreadable)
    return has ? this.read(cid, options) : undefined
  }

  private async read (cid: CID, options: AbortOptions): Promise<Uint8Array | undefined> {
    try {
      return await collectChunks(this.blockstore.get(cid, options), options)
    } catch (err) {
      return unreadable(err)
    }
  }

}

/** A local lookup that failed: the block counts as missing, unless the caller gave up. */
function unreadable (err: unknown): undefined {
  if ((err as Error).name === 'AbortError') throw err
  return undefined
}
