import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import { inject, injectable } from 'tsyringe'
import { AbortError } from '../errors.js'
import { Tokens } from '../registry.js'
import { Fifo } from '../util/fifo.js'
import { Notifier } from '../util/notifier.js'
import { Semaphore } from '../util/semaphore.js'
import { blockKey } from '../wire/prefix.js'
import type { BitswapConfig } from '../config.js'
import type { Clock, Timer } from '../interfaces/clock.js'
import type { BitswapNetwork } from '../interfaces/network.js'
import type { ProviderFinder, ProviderRecord } from '../interfaces/provider-finder.js'
import type { AbortOptions, PeerKey } from '../types.js'
import type { CID } from 'multiformats/cid'

/** What the provider lookups did since the manager was made. */
export interface ProviderQueryStats {
  /** Lookups that reached the ProviderFinder (callers sharing a lookup count once). */
  lookupsStarted: number
  inFlight: number
  /** Lookups waiting for a free slot. */
  queued: number
  /** Providers dialled successfully and reported. */
  providersFound: number
  dialFailures: number
  timeouts: number
  /** Lookups ended because the ProviderFinder threw or yielded something that is not a provider record. */
  finderErrors: number
}

type EndReason = 'complete' | 'enough' | 'timeout' | 'finder-error' | 'abandoned' | 'stopped'

interface Lookup {
  readonly key: string
  readonly cid: CID
  state: 'queued' | 'running' | 'ended'
  /** Dialled providers in the order they were found; late callers replay it. */
  readonly providers: PeerKey[]
  /** Every peer the finder named, so a peer named twice is dialled once. */
  readonly seen: Set<PeerKey>
  callers: number
  dialing: number
  /** Wakes callers and the finder loop on a new provider, a settled dial, or the end. */
  readonly changed: Notifier
  readonly controller: AbortController
  timer?: Timer
}

/**
 * Finds providers for CIDs on behalf of sessions. Routing lookups are slow and costly, so concurrent requests
 * for one CID share a single lookup, only a few lookups run at once, and each gives up after a while. A provider
 * is reported only once we are connected to it: a session can use it at once, and unreachable records (common in
 * the DHT) never reach the session.
 */
@injectable()
export class ProviderQueryManager {
  private readonly log: Logger
  private readonly finder: ProviderFinder
  private readonly network: BitswapNetwork
  private readonly clock: Clock
  private readonly config: BitswapConfig
  private readonly lookups = new Map<string, Lookup>()
  private readonly waiting = new Fifo<Lookup>()
  private readonly dials: Semaphore
  private running = 0
  private queued = 0
  private stopped = false
  private readonly counters = { lookupsStarted: 0, providersFound: 0, dialFailures: 0, timeouts: 0, finderErrors: 0 }

  constructor (
    @inject(Tokens.ProviderFinder) finder: ProviderFinder,
    @inject(Tokens.Network) network: BitswapNetwork,
    @inject(Tokens.Clock) clock: Clock,
    @inject(Tokens.Config) config: BitswapConfig,
    @inject(Tokens.Logger) logger: ComponentLogger = defaultLogger()
  ) {
    this.log = logger.forComponent('swapwright:core:provider-query-manager')
    this.finder = finder
    this.network = network
    this.clock = clock
    this.config = config
    this.dials = new Semaphore(config.providerDialConcurrency)
  }

  /**
   * Yields peers that hold `cid` and that we are now connected to. Ends when the lookup is over (finished,
   * timed out, or enough providers) or quietly when `signal` aborts; other callers of the same lookup go on.
   */
  async * findProviders (cid: CID, options: AbortOptions = {}): AsyncGenerator<PeerKey, void, undefined> {
    const { signal } = options
    if (this.stopped || isAborted(signal)) return
    const lookup = this.join(cid)
    try {
      let next = 0
      while (!isAborted(signal) && !this.stopped) {
        if (next < lookup.providers.length) {
          yield lookup.providers[next++]
        } else if (isOver(lookup)) {
          return
        } else {
          await changedOrAborted(lookup.changed.wait(), signal)
        }
      }
    } finally {
      lookup.callers--
      if (lookup.callers === 0) this.end(lookup, 'abandoned')
    }
  }

  stats (): ProviderQueryStats {
    return { ...this.counters, inFlight: this.running, queued: this.queued }
  }

  /** Lets lookups run again after `stop()`. */
  start (): void {
    this.stopped = false
  }

  /** Aborts every lookup and dial; every caller's iteration ends. New lookups yield nothing until `start()`. */
  stop (): void {
    this.stopped = true
    for (const lookup of [...this.lookups.values()]) this.end(lookup, 'stopped')
  }

  private join (cid: CID): Lookup {
    const key = blockKey(cid)
    let lookup = this.lookups.get(key)
    if (lookup === undefined) {
      lookup = {
        key, cid, state: 'queued', providers: [], seen: new Set(), callers: 0, dialing: 0,
        changed: new Notifier(), controller: new AbortController()
      }
      this.lookups.set(key, lookup)
      this.waiting.push(lookup)
      this.queued++
      this.startWaiting()
    }
    lookup.callers++
    return lookup
  }

  private startWaiting (): void {
    while (!this.stopped && this.running < this.config.providerQueryConcurrency) {
      const lookup = this.waiting.shift()
      if (lookup === undefined) return
      if (lookup.state !== 'queued') continue
      this.queued--
      this.running++
      this.counters.lookupsStarted++
      lookup.state = 'running'
      lookup.timer = this.clock.setTimeout(() => {
        this.counters.timeouts++
        this.end(lookup, 'timeout')
      }, this.config.providerQueryTimeout)
      void this.search(lookup)
    }
  }

  /** Pulls records from the finder and starts a dial for each new one, while the lookup still needs providers. */
  private async search (lookup: Lookup): Promise<void> {
    let iterator: AsyncIterator<unknown> | undefined
    try {
      const source: unknown = this.finder.findProviders(lookup.cid, { signal: lookup.controller.signal })
      iterator = asyncIteratorOf(source)
      while (!isOver(lookup)) {
        // Never more dials in flight than providers still wanted, so a lookup stops pulling when it has enough.
        if (lookup.dialing >= this.config.maxProvidersPerQuery - lookup.providers.length) {
          await lookup.changed.wait()
          continue
        }
        const step = await iterator.next()
        if (isOver(lookup) || step.done === true) break
        const record = step.value
        if (!isProviderRecord(record)) throw new TypeError(`the finder yielded ${describe(record)}, not a provider record`)
        if (record.peer === this.network.self || lookup.seen.has(record.peer)) continue
        lookup.seen.add(record.peer)
        void this.dial(lookup, record)
      }
      while (!isOver(lookup) && lookup.dialing > 0) await lookup.changed.wait()
      this.end(lookup, 'complete')
    } catch (err) {
      if (isOver(lookup)) return
      this.counters.finderErrors++
      this.log.error('provider finder %s failed for %c: %e', this.finder.name, lookup.cid, err)
      this.end(lookup, 'finder-error')
    } finally {
      // Lets a finder that is still going release its query; its own errors no longer matter to us.
      if (iterator?.return !== undefined) Promise.resolve().then(async () => iterator?.return?.()).catch(() => {})
    }
  }

  private async dial (lookup: Lookup, record: ProviderRecord): Promise<void> {
    lookup.dialing++
    try {
      await this.dials.run(async () => {
        if (isOver(lookup)) return
        await this.network.connect(record, { signal: lookup.controller.signal })
        if (isOver(lookup)) return
        lookup.providers.push(record.peer)
        this.counters.providersFound++
        if (lookup.providers.length >= this.config.maxProvidersPerQuery) this.end(lookup, 'enough')
      })
    } catch (err) {
      if (!isOver(lookup)) {
        this.counters.dialFailures++
        this.log('could not dial provider %s of %c: %e', record.peer, lookup.cid, err)
      }
    } finally {
      lookup.dialing--
      lookup.changed.notify()
    }
  }

  private end (lookup: Lookup, reason: EndReason): void {
    if (lookup.state === 'ended') return
    if (lookup.state === 'running') this.running--
    else this.queued--
    lookup.state = 'ended'
    lookup.timer?.cancel()
    lookup.controller.abort(new AbortError(`Provider lookup ended: ${reason}`))
    if (this.lookups.get(lookup.key) === lookup) this.lookups.delete(lookup.key)
    lookup.changed.notify()
    this.log('lookup for %c ended (%s) with %d providers', lookup.cid, reason, lookup.providers.length)
    this.startWaiting()
  }
}

// State read through functions: it changes across awaits, which the compiler's narrowing does not see.
function isOver (lookup: Lookup): boolean {
  return lookup.state === 'ended'
}

function isAborted (signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

/** Resolves when `changed` does or when `signal` aborts, and leaves no listener behind. */
async function changedOrAborted (changed: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return changed
  await new Promise<void>(resolve => {
    const done = (): void => {
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
    void changed.then(done)
  })
}

function asyncIteratorOf (source: unknown): AsyncIterator<unknown> {
  const open = (source as Partial<AsyncIterable<unknown>> | null | undefined)?.[Symbol.asyncIterator]
  if (typeof open !== 'function') throw new TypeError(`the finder returned ${describe(source)}, not an async iterable`)
  return open.call(source)
}

function isProviderRecord (value: unknown): value is ProviderRecord {
  if (typeof value !== 'object' || value === null) return false
  const { peer, addresses } = value as Partial<Record<keyof ProviderRecord, unknown>>
  return typeof peer === 'string' && peer !== '' &&
    Array.isArray(addresses) && addresses.every(address => typeof address === 'string')
}

function describe (value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value
}
