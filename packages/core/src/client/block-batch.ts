import { MAX_BLOCK_SIZE } from '../constants.js'
import { AbortError } from '../errors.js'
import { Fifo } from '../util/fifo.js'
import { isPromiseLike } from '../wire/verify.js'
import type { Waiter } from './notifications.js'
import type { CID } from 'multiformats/cid'

/** What a batch hands its consumer: a block, or the error that ends the batch. */
type Arrival = { cid: CID, bytes: Uint8Array } | { error: unknown }

/** What a batch's waiters share: where an arrival goes. */
interface WaiterHome {
  /** Waiters registered and not yet called. */
  pending: Set<BatchWaiter>
  deliver: (item: Arrival) => void
  source: BatchSource
}

/**
 * The wait for one block of a batch. A class rather than an object of two closures: a batch of thousands of small
 * blocks made a closure context and two functions per block, a fifth of what its waits allocated. One class for
 * every batch, so the places that call waiters see one shape of them.
 */
class BatchWaiter implements Waiter {
  readonly cid: CID
  private readonly home: WaiterHome

  constructor (cid: CID, home: WaiterHome) {
    this.cid = cid
    this.home = home
  }

  resolve (bytes: Uint8Array): void {
    this.home.pending.delete(this)
    this.home.deliver({ cid: this.cid, bytes })
  }

  reject (error: Error): void {
    this.home.pending.delete(this)
    this.home.source.dropCaller(this.cid)
    this.home.deliver({ error })
  }
}

/** What a batch needs from its session. */
export interface BatchSource {
  /** The block from the blockstore, or undefined when the network has to be asked; throws once closed. */
  lookUp: (cid: CID, signal: AbortSignal) => Uint8Array | undefined | Promise<Uint8Array | undefined>
  /** Registers a waiter for the block and wants it. */
  want: (cid: CID, waiter: Waiter) => void
  /**
   * Takes back a waiter `want` registered; true if it was still waiting (and so was never called). A method of the
   * source, not a function per want: a batch of thousands of small blocks made one closure per block for it.
   */
  withdraw: (cid: CID, waiter: Waiter) => boolean
  /** One waiter fewer for `cid`: the want ends with its last caller. */
  dropCaller: (cid: CID) => void
  /** Whether the session has closed. */
  closed: () => boolean
  /** Why the session ended, when it failed (nobody left to ask): the error every waiter gets instead of an abort. */
  failure?: () => Error | undefined
}

/**
 * Many blocks, yielded as they arrive (not in request order). Up to `window` are wanted at once, which is what
 * lets the splitter spread them over peers; the other CIDs stay as the caller gave them, and one more is wanted
 * each time the caller takes a block, so a batch's wants cost memory for `window` of them, whatever its size, and
 * a caller slower than the network holds the network back. Stopping the iteration or aborting a signal withdraws
 * what is left. `signals`: the session's lifetime and the caller's signal, if any.
 *
 * `byteWindow` bounds the same wants in bytes: each is reckoned at the mean size of the blocks the caller has
 * taken so far (before the first, at the largest block a peer may send), so a batch of big blocks holds about
 * that much at most on its way, received, waiting for the store or for the caller, where a window counted in
 * wants alone would let a thousand 1 MiB blocks pile up behind a slow disk.
 */
export async function * fetchBatch (source: BatchSource, cids: Iterable<CID>, signals: AbortSignal[], window = Infinity, byteWindow = Infinity): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
  // One plain controller for the batch, aborted when the session closes, the caller's signal aborts or the
  // iteration ends: checking it per block is cheap, where a composite signal re-checks all of its sources.
  const batch = new AbortController()
  const signal = batch.signal
  const onSourceAbort = (): void => { batch.abort(signals.find(s => s.aborted)?.reason) }
  for (const s of signals) s.addEventListener('abort', onSourceAbort, { once: true })
  if (signals.some(s => s.aborted)) onSourceAbort()
  const arrived = new Fifo<Arrival>()
  // One abort listener for the whole batch: thousands on one signal would make each removal linear.
  const pending = new Set<BatchWaiter>()
  const onAbort = (): void => {
    for (const waiter of pending) {
      if (source.withdraw(waiter.cid, waiter)) waiter.reject(source.failure?.() ?? new AbortError(`Want for ${waiter.cid} was aborted`, { cause: signal.reason }))
    }
  }
  signal.addEventListener('abort', onAbort, { once: true })
  let wake: (() => void) | undefined
  let outstanding = 0
  let taken = 0
  let takenBytes = 0
  const deliver = (item: Arrival): void => {
    arrived.push(item)
    wake?.()
  }

  const home: WaiterHome = { pending, deliver, source }

  /** The block from the blockstore, or through a waiter registered for its arrival (no promise per block). */
  const fetchOne = (cid: CID): void => {
    let found
    try {
      found = source.lookUp(cid, signal)
    } catch (error) {
      deliver({ error })
      return
    }
    if (isPromiseLike(found)) found.then(local => { waitOrDeliver(cid, local) }, error => { deliver({ error }) })
    else waitOrDeliver(cid, found)
  }

  const waitOrDeliver = (cid: CID, local: Uint8Array | undefined): void => {
    if (local != null) {
      deliver({ cid, bytes: local })
      return
    }
    // The batch may have been aborted since the lookup began: its listener has already run, so register nothing.
    if (source.closed() || signal.aborted) {
      deliver({ error: source.failure?.() ?? (source.closed() ? new AbortError('The session is closed') : signal.reason) })
      return
    }
    const waiter = new BatchWaiter(cid, home)
    pending.add(waiter)
    source.want(cid, waiter)
  }

  const queued = cids[Symbol.iterator]()
  let allWanted = false
  /** Wants CIDs not yet wanted until `window`, or `byteWindow`'s worth, are outstanding (wanted, not yet taken). */
  const fill = (): void => {
    const size = taken === 0 ? MAX_BLOCK_SIZE : Math.max(1, takenBytes / taken)
    const limit = Math.min(window, Math.max(1, Math.floor(byteWindow / size)))
    while (!allWanted && outstanding < limit) {
      const step = queued.next()
      if (step.done === true) {
        allWanted = true
        return
      }
      outstanding++
      fetchOne(step.value)
    }
  }
  fill()
  try {
    while (outstanding > 0) {
      if (arrived.length === 0) await new Promise<void>(resolve => { wake = resolve })
      wake = undefined
      const next = arrived.shift()
      if (next == null) continue
      outstanding--
      if ('error' in next) throw next.error
      taken++
      takenBytes += next.bytes.byteLength
      // the next want goes out while the caller handles this block
      fill()
      yield next
    }
  } finally {
    // A batch that ran to its end has nothing left to withdraw: aborting it anyway built an abort error (with its
    // stack) per batch, a cost per block for callers that fetch one block at a time.
    if (outstanding > 0 || pending.size > 0) batch.abort()
    else signal.removeEventListener('abort', onAbort)
    for (const s of signals) s.removeEventListener('abort', onSourceAbort)
  }
}
