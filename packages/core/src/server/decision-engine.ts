import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import { inject, injectable } from 'tsyringe'
import { errorMessage } from '../errors.js'
import { GuardedTokens, Tokens } from '../registry.js'
import { Notifier } from '../util/notifier.js'
import { blockKey, encodePrefixOf, IDENTITY_CODE } from '../wire/prefix.js'
import { BlockstoreManager } from './blockstore-manager.js'
import { Ledger, type LedgerWant } from './ledger.js'
import { PeerTaskQueue, type TaskBatch } from './peer-task-queue.js'
import { PRESENCE_WORK, type Reply, type Task } from './task.js'
import type { BitswapConfig } from '../config.js'
import type { Blockstore } from '../interfaces/blockstore.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { DecisionStrategy } from '../interfaces/decision-strategy.js'
import type { BitswapNetwork } from '../interfaces/network.js'
import type { PeerKey } from '../types.js'
import type { BitswapMessage, DecodedMessage, WantEntry } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

const DONE: Promise<void> = Promise.resolve()

/** What the server did for one peer. */
export interface ServerPeerStats {
  wantlistSize: number
  blocksSent: number
  bytesSent: number
  blocksReceived: number
  bytesReceived: number
  pendingTasks: number
  activeTasks: number
  ignoredEntries: number
  evictions: number
}

/** What the server did overall. */
export interface ServerStats {
  peers: number
  wantlistEntries: number
  blocksSent: number
  bytesSent: number
  havesSent: number
  dontHavesSent: number
  messagesSent: number
  failedSends: number
  /** Queued tasks dropped because a send to their peer failed (the peer may ask again). */
  tasksDropped: number
  /** Messages dropped because their peer was not, or no longer, connected when they were to be applied. */
  messagesDropped: number
  /** Wants evicted from the largest ledger to keep all peers' wants within `maxWantlistEntries`. */
  totalCapEvictions: number
  /** New wants refused because all peers' wants were at `maxWantlistEntries` and the asking peer held the most. */
  totalCapRefusals: number
  /** Received messages waiting to be applied, over all peers. */
  queuedMessages: number
  /** Peers the task queue holds state for (tasks, replies in flight, counters): 0 once every peer has gone. */
  queuedPeers: number
  /** Block replies held back because the same block went to the same peer within `minBlockResendInterval`. */
  resendsDeferred: number
  /** Batches that used up a peer's byte or block allowance, so the peer waited for its rate to allow more. */
  rateLimited: number
  /** Distinct blocks some connected peer wants (the index that pushes newly stored blocks). */
  wantedBlocks: number
  ignoredEntries: number
  evictions: number
  readErrors: number
  /** Block reads answered with bytes kept from a read for another peer that wanted the block too. */
  sharedReads: number
  /** Blocks kept for other peers that want them too (within `sharedBlockBytes`): 0 once nobody wants them. */
  keptBlocks: number
}

/**
 * The server half of Bitswap: keeps each peer's wantlist (bounded), turns wants into tasks, and lets workers
 * answer them in the order the DecisionStrategy chooses. Wants for blocks we lack stay in the ledger, so a
 * block that arrives later is pushed to every peer still waiting for it.
 */
@injectable()
export class DecisionEngine {
  private readonly log: Logger
  private readonly network: BitswapNetwork
  private readonly clock: Clock
  private readonly strategy: DecisionStrategy
  private readonly config: BitswapConfig
  private readonly blocks: BlockstoreManager
  private readonly queue: PeerTaskQueue
  private readonly ledgers = new Map<PeerKey, Ledger>()
  /** Which peers want a block, by blockKey: how a newly stored block finds its waiting peers. */
  private readonly wantedBy = new Map<string, Set<PeerKey>>()
  /** Messages of one peer are applied one after another, in arrival order. */
  private readonly intake = new Map<PeerKey, Promise<void>>()
  private readonly wake = new Notifier()
  private workers: Array<Promise<void>> = []
  /** Replies handed to the network and not yet settled. */
  private readonly sending = new Set<Promise<void>>()
  private running = false
  private seq = 0
  private queuedMessages = 0
  /** The pending wake-up for peers held back by their sending limits. */
  private timer: { at: number, handle: Timer } | undefined
  /** Wants in every ledger together (kept in step with `wantedBy`). */
  private totalWants = 0
  private readonly totals = { blocksSent: 0, bytesSent: 0, havesSent: 0, dontHavesSent: 0, messagesSent: 0, failedSends: 0, tasksDropped: 0, messagesDropped: 0, totalCapEvictions: 0, totalCapRefusals: 0, ignoredEntries: 0, evictions: 0 }

  constructor (
    @inject(Tokens.Network) network: BitswapNetwork,
    @inject(Tokens.Blockstore) blockstore: Blockstore,
    @inject(Tokens.Clock) clock: Clock,
    @inject(GuardedTokens.DecisionStrategy) strategy: DecisionStrategy,
    @inject(Tokens.Config) config: BitswapConfig,
    @inject(Tokens.Logger) logger: ComponentLogger = defaultLogger()
  ) {
    this.log = logger.forComponent('swapwright:core:decision-engine')
    this.network = network
    this.clock = clock
    this.strategy = strategy
    this.config = config
    this.blocks = new BlockstoreManager(blockstore, {
      logger,
      concurrency: config.blockstoreConcurrency,
      sizeCacheEntries: config.blockSizeCacheEntries,
      sharedBlockBytes: config.sharedBlockBytes
    })
    this.queue = new PeerTaskQueue({
      strategy,
      clock,
      targetMessageSize: config.targetMessageSize,
      maxOutstandingBytesPerPeer: config.maxOutstandingBytesPerPeer,
      sendLimits: {
        bytesPerSecond: config.maxBytesPerSecondPerPeer,
        blocksPerSecond: config.maxBlocksPerSecondPerPeer,
        minBlockResendInterval: config.minBlockResendInterval,
        resendMemory: config.maxWantsPerPeer
      }
    })
  }

  start (): void {
    if (this.running) return
    this.running = true
    this.workers = Array.from({ length: this.config.taskWorkerCount }, async () => this.work())
  }

  async stop (): Promise<void> {
    this.running = false
    this.wake.notify()
    await Promise.all(this.workers)
    this.workers = []
    await Promise.all([...this.sending])
    this.timer?.handle.cancel()
    this.timer = undefined
    for (const peer of [...this.ledgers.keys()]) this.peerDisconnected(peer)
  }

  /** A peer connected: its ledger starts here, and lives until it disconnects. */
  peerConnected (peer: PeerKey): void {
    if (!this.ledgers.has(peer)) this.ledgers.set(peer, new Ledger(peer))
  }

  /**
   * Applies a message from a connected peer. Resolves once its wants are queued (not when they are answered). A
   * message from a peer that is not connected, or still waiting when its peer disconnects, is dropped: it
   * belongs to a life that is over, and applying it would bring back a ledger nobody frees.
   */
  messageReceived (peer: PeerKey, message: DecodedMessage): Promise<void> {
    const ledger = this.ledgers.get(peer)
    if (ledger == null) {
      this.totals.messagesDropped++
      return DONE
    }
    const previous = this.intake.get(peer) ?? DONE
    this.queuedMessages++
    const next = previous.then(async () => {
      if (this.ledgers.get(peer) !== ledger) {
        this.totals.messagesDropped++
        return
      }
      await this.apply(peer, ledger, message)
    }).catch(err => {
      this.log.error('could not apply a message from %s: %s', peer, errorMessage(err))
    }).finally(() => {
      this.queuedMessages--
      if (this.intake.get(peer) === next) this.intake.delete(peer)
    })
    this.intake.set(peer, next)
    return next
  }

  /** Blocks that are now in the blockstore: every peer waiting for one is sent it (or a HAVE). */
  blocksAdded (cids: readonly CID[]): Promise<void> {
    // Called for every block a node fetches; nearly always nobody is waiting, and then no promise is made.
    const waiting = cids.filter(cid => this.wantedBy.has(blockKey(cid)))
    if (waiting.length === 0) return DONE
    return this.pushAdded(waiting)
  }

  private async pushAdded (waiting: CID[]): Promise<void> {
    const sizes = await this.blocks.sizesOf(waiting)
    waiting.forEach((cid, i) => {
      const size = sizes[i]
      if (size == null) return
      const key = blockKey(cid)
      for (const peer of this.wantedBy.get(key) ?? []) {
        const want = this.ledgers.get(peer)?.get(key)
        if (want == null) continue
        want.have = true
        this.enqueue(peer, want, size)
      }
    })
    this.wake.notify()
  }

  /** Frees everything held for a peer. */
  peerDisconnected (peer: PeerKey): void {
    const ledger = this.ledgers.get(peer)
    if (ledger != null) {
      for (const key of ledger.keys()) this.unindex(peer, key)
      this.ledgers.delete(peer)
    }
    this.queue.removePeer(peer)
    this.intake.delete(peer)
  }

  /** The CIDs a peer currently wants from us. */
  wantlist (peer: PeerKey): CID[] {
    return [...(this.ledgers.get(peer)?.values() ?? [])].map(want => want.cid)
  }

  peerStats (peer: PeerKey): ServerPeerStats | undefined {
    const ledger = this.ledgers.get(peer)
    if (ledger == null) return undefined
    const tracker = this.queue.peek(peer)
    return {
      wantlistSize: ledger.size,
      blocksSent: ledger.blocksSent,
      bytesSent: ledger.bytesSent,
      blocksReceived: ledger.blocksReceived,
      bytesReceived: ledger.bytesReceived,
      pendingTasks: tracker?.pendingCount ?? 0,
      activeTasks: tracker?.activeCount ?? 0,
      ignoredEntries: ledger.ignoredEntries,
      evictions: ledger.evictions
    }
  }

  stats (): ServerStats {
    let wantlistEntries = 0
    for (const ledger of this.ledgers.values()) wantlistEntries += ledger.size
    return {
      ...this.totals,
      peers: this.ledgers.size,
      wantlistEntries,
      queuedMessages: this.queuedMessages,
      queuedPeers: this.queue.size,
      wantedBlocks: this.wantedBy.size,
      resendsDeferred: this.queue.resendsDeferred,
      rateLimited: this.queue.rateLimited,
      readErrors: this.blocks.readErrors,
      sharedReads: this.blocks.sharedReads,
      keptBlocks: this.blocks.keeping.blocks
    }
  }

  private async apply (peer: PeerKey, ledger: Ledger, message: DecodedMessage): Promise<void> {
    this.accountReceived(peer, ledger, message)
    ledger.ignoredEntries += message.invalidEntries
    this.totals.ignoredEntries += message.invalidEntries
    // Wants the decoder left out of a message with more than a ledger holds: refused, as the ones cut below are.
    const dropped = message.droppedWants ?? 0
    ledger.evictions += dropped
    this.totals.evictions += dropped
    const wantlist = message.wantlist
    if (wantlist == null) return

    const wants = new Map<string, WantEntry>()
    for (const entry of wantlist.entries) {
      if (entry.cid.multihash.code === IDENTITY_CODE) {
        // An identity CID carries its data inline: the asker has the block already, so there is nothing to send,
        // and no DONT_HAVE either (Kubo answers these wants with silence too; see the differential wire test).
        // It is no reason to drop the peer.
        ledger.ignoredEntries++
        this.totals.ignoredEntries++
        continue
      }
      const key = blockKey(entry.cid)
      if (entry.cancel) {
        wants.delete(key)
        this.removeWant(peer, ledger, key)
      } else {
        wants.set(key, entry)
      }
    }
    if (wantlist.full) {
      for (const key of [...ledger.keys()]) {
        if (!wants.has(key)) this.removeWant(peer, ledger, key)
      }
    }
    if (wants.size === 0) return

    // More wants in one message than a ledger holds: only the most urgent can ever be kept.
    let incoming = [...wants.values()]
    if (incoming.length > this.config.maxWantsPerPeer) {
      incoming = incoming.map((entry, index) => ({ entry, index }))
        .sort((a, b) => b.entry.priority - a.entry.priority || a.index - b.index)
        .slice(0, this.config.maxWantsPerPeer)
        .map(({ entry }) => entry)
    }

    const sizes = await this.blocks.sizesOf(incoming.map(entry => entry.cid), () => this.ledgers.get(peer) === ledger)
    if (this.ledgers.get(peer) !== ledger) {
      // The peer left while we looked: its wants die with the life they came in.
      this.totals.messagesDropped++
      return
    }

    const added: LedgerWant[] = []
    const touched: Array<{ want: LedgerWant, size: number | undefined }> = []
    incoming.forEach((entry, i) => {
      const key = blockKey(entry.cid)
      const existing = ledger.get(key)
      if (existing != null) {
        existing.priority = entry.priority
        existing.wantType = entry.wantType
        existing.sendDontHave = entry.sendDontHave
        existing.have = sizes[i] != null
        touched.push({ want: existing, size: sizes[i] })
      } else {
        const want: LedgerWant = {
          key, cid: entry.cid, priority: entry.priority, wantType: entry.wantType,
          sendDontHave: entry.sendDontHave, have: sizes[i] != null, seq: this.seq++
        }
        added.push(want)
        touched.push({ want, size: sizes[i] })
      }
    })

    const accepted = this.makeTotalRoom(peer, ledger, this.makeRoom(peer, ledger, added))
    for (const want of accepted) {
      ledger.set(want)
      this.index(peer, want.key)
    }
    for (const { want, size } of touched) {
      if (ledger.get(want.key) === want) this.enqueue(peer, want, size)
    }
    this.wake.notify()
  }

  /**
   * Keeps the ledger within its limit. When the new wants do not fit, the strategy chooses which current wants
   * go and which new ones stay; whatever it answers, the ledger never ends over the limit.
   */
  private makeRoom (peer: PeerKey, ledger: Ledger, added: LedgerWant[]): LedgerWant[] {
    const limit = this.config.maxWantsPerPeer
    if (ledger.size + added.length <= limit) return added
    const decision = this.strategy.evict([...ledger.values()], added, limit)
    for (const cid of decision.evict) {
      if (this.removeWant(peer, ledger, blockKey(cid))) {
        ledger.evictions++
        this.totals.evictions++
      }
    }
    const acceptedKeys = new Set(decision.accept.map(cid => blockKey(cid)))
    const accepted = added.filter(want => acceptedKeys.has(want.key)).slice(0, Math.max(0, limit - ledger.size))
    const refused = added.length - accepted.length
    ledger.evictions += refused
    this.totals.evictions += refused
    return accepted
  }

  /**
   * Keeps the wants of all peers together within `maxWantlistEntries`. The peer holding the most wants gives way:
   * the strategy picks which of its wants go, down to no fewer than the asking peer will hold. What still does
   * not fit (the asking peer holds the most itself) is refused.
   */
  private makeTotalRoom (peer: PeerKey, ledger: Ledger, added: LedgerWant[]): LedgerWant[] {
    const cap = this.config.maxWantlistEntries
    let overflow = this.totalWants + added.length - cap
    if (overflow <= 0) return added
    let largest: Ledger | undefined
    for (const other of this.ledgers.values()) {
      if (largest == null || other.size > largest.size) largest = other
    }
    const asking = ledger.size + added.length
    if (largest != null && largest !== ledger && largest.size > asking) {
      const give = Math.min(overflow, largest.size - asking)
      const decision = this.strategy.evict([...largest.values()], [], largest.size - give)
      for (const cid of decision.evict.slice(0, give)) {
        if (this.removeWant(largest.peer, largest, blockKey(cid))) {
          largest.evictions++
          this.totals.totalCapEvictions++
          overflow--
        }
      }
    }
    if (overflow <= 0) return added
    const kept = added.slice(0, Math.max(0, added.length - overflow))
    this.totals.totalCapRefusals += added.length - kept.length
    return kept
  }

  /** Queues the reply a want deserves now, if any: a block we lack and nobody asked DONT_HAVE for waits. */
  private enqueue (peer: PeerKey, want: LedgerWant, size: number | undefined): void {
    let reply: Reply
    let work = PRESENCE_WORK
    if (size != null) {
      reply = want.wantType === 'block' || this.strategy.answerWantHave(size) === 'block' ? 'block' : 'have'
      if (reply === 'block') work = size
    } else if (want.sendDontHave && this.config.sendDontHaves) {
      reply = 'dont-have'
    } else {
      return
    }
    const task: Task = {
      peer, key: want.key, cid: want.cid, priority: want.priority, wantType: want.wantType,
      sendDontHave: want.sendDontHave, reply, work, blockSize: size, seq: this.seq++, dead: false
    }
    this.queue.push(task)
  }

  private removeWant (peer: PeerKey, ledger: Ledger, key: string): boolean {
    this.queue.remove(peer, key)
    if (!ledger.delete(key)) return false
    this.unindex(peer, key)
    return true
  }

  private index (peer: PeerKey, key: string): void {
    let peers = this.wantedBy.get(key)
    if (peers == null) {
      peers = new Set()
      this.wantedBy.set(key, peers)
    }
    if (peers.has(peer)) return
    peers.add(peer)
    this.totalWants++
  }

  private unindex (peer: PeerKey, key: string): void {
    const peers = this.wantedBy.get(key)
    if (peers == null || !peers.delete(peer)) return
    this.totalWants--
    if (peers.size > 0) return
    this.wantedBy.delete(key)
    this.blocks.release(key)
  }

  private accountReceived (peer: PeerKey, ledger: Ledger, message: DecodedMessage): void {
    if (message.blocks.length === 0) return
    let bytes = 0
    for (const block of message.blocks) bytes += block.data.byteLength
    ledger.blocksReceived += message.blocks.length
    ledger.bytesReceived += bytes
    this.queue.tracker(peer).bytesReceived += bytes
    this.strategy.observe?.({ type: 'received', peer, bytes })
  }

  private async work (): Promise<void> {
    while (this.running) {
      const batch = this.queue.pop()
      if (batch == null) {
        this.wakeWhenAllowed()
        await this.wake.wait()
        continue
      }
      let message: BitswapMessage | undefined
      let outcome: Reply[] = []
      try {
        ({ message, outcome } = await this.build(batch))
      } catch (err) {
        this.log.error('building a reply to %s failed: %s', batch.peer, errorMessage(err))
      }
      if (message == null) {
        this.queue.done(batch)
        if (this.queue.hasWork()) this.wake.notify()
        continue
      }
      // Handed to the peer's send queue and not awaited: a peer that does not read holds up its own replies
      // only. Its unsent bytes stay counted against it until the send settles, so it gets no new tasks while
      // it is over its budget.
      this.dispatch(batch, message, outcome)
    }
  }

  /** Peers held back only by their sending limits get a timer for when they may go again (one at a time). */
  private wakeWhenAllowed (): void {
    const at = this.queue.nextReadyAt()
    if (at == null) return
    if (this.timer != null && this.timer.at <= at) return
    this.timer?.handle.cancel()
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined
      this.wake.notify()
    }, Math.max(0, at - this.clock.now()))
    this.timer = { at, handle }
  }

  /** Loads the batch's blocks (with bounded concurrency) and builds its reply; undefined when it says nothing. */
  private async build (batch: TaskBatch): Promise<{ message: BitswapMessage | undefined, outcome: Reply[] }> {
    const { peer, tasks } = batch
    // Kept once read until nobody wants the block (see `unindex`): the other peers of a crowd that want it, now or
    // by the time this reply is sent, need no read of their own.
    const loaded = await Promise.all(tasks.map(async task => task.reply === 'block' ? this.blocks.get(task.cid, () => this.wantedBy.has(task.key)) : undefined))
    const message: BitswapMessage = { blocks: [], presences: [], pendingBytes: batch.pendingBytes }
    const outcome: Reply[] = []
    tasks.forEach((task, i) => {
      let reply = task.reply
      if (reply === 'block') {
        const data = loaded[i]
        if (data != null) {
          message.blocks.push({ prefix: encodePrefixOf(task.cid), data })
        } else {
          // Deleted since the want arrived: the want stays, and the peer hears DONT_HAVE if it asked to.
          reply = 'dont-have'
          const want = this.ledgers.get(peer)?.get(task.key)
          if (want != null) want.have = false
        }
      }
      if (reply === 'have') message.presences.push({ cid: task.cid, type: 'have' })
      if (reply === 'dont-have' && task.sendDontHave && this.config.sendDontHaves) message.presences.push({ cid: task.cid, type: 'dont-have' })
      outcome.push(reply)
    })
    if (message.blocks.length === 0 && message.presences.length === 0) return { message: undefined, outcome }
    return { message, outcome }
  }

  /**
   * Sends a reply in the background. When it settles the batch stops counting against the peer's budget; a send
   * that failed (the peer stopped reading, or left) also drops the peer's queued tasks: it may ask again.
   */
  private dispatch (batch: TaskBatch, message: BitswapMessage, outcome: Reply[]): void {
    const { peer, tasks } = batch
    const ledger = this.ledgers.get(peer)
    const sending = this.network.send(peer, message).then(() => {
      this.totals.messagesSent++
      this.recordSent(peer, ledger, tasks, outcome, message)
    }, (err: Error) => {
      this.totals.failedSends++
      this.log('sending %d blocks and %d presences to %s failed: %s', message.blocks.length, message.presences.length, peer, err.message)
      this.totals.tasksDropped += this.queue.dropPending(peer)
    }).finally(() => {
      this.sending.delete(sending)
      this.queue.done(batch)
      if (this.queue.hasWork()) this.wake.notify()
    })
    this.sending.add(sending)
  }

  /** A sent block or HAVE answers the want for good; a DONT_HAVE leaves it waiting for the block. */
  private recordSent (peer: PeerKey, sentTo: Ledger | undefined, tasks: Task[], outcome: Reply[], message: BitswapMessage): void {
    // The peer may have left (and come back) while the reply was in flight: its new life owes nothing to the old.
    const ledger = this.ledgers.get(peer) === sentTo ? sentTo : undefined
    let bytes = 0
    for (const block of message.blocks) bytes += block.data.byteLength
    this.totals.blocksSent += message.blocks.length
    this.totals.bytesSent += bytes
    if (ledger != null) {
      ledger.blocksSent += message.blocks.length
      ledger.bytesSent += bytes
    }
    const tracker = this.queue.peek(peer)
    if (tracker != null) tracker.bytesSent += bytes
    if (bytes > 0) this.strategy.observe?.({ type: 'sent', peer, bytes })
    tasks.forEach((task, i) => {
      const reply = outcome[i]
      if (reply === 'have') this.totals.havesSent++
      if (reply === 'dont-have' && task.sendDontHave) this.totals.dontHavesSent++
      if (ledger == null || reply === 'dont-have') return
      const want = ledger.get(task.key)
      // A want upgraded from have to block while the HAVE was in flight still needs its block.
      if (want != null && (reply === 'block' || want.wantType === 'have')) this.removeWant(peer, ledger, task.key)
    })
  }
}
