import type { DecodedMessage } from '@swapwright/core'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Bytes of received messages waiting to be applied, over every peer, against `maxQueuedMessageBytes`. Past it, a
 * peer that already has a message waiting is not read until the total drops; a peer with nothing waiting may
 * always hand over one message, so a flood from some peers never shuts out a peer asking for one block.
 */
export class IntakeBudget {
  readonly limit: number
  private bytes = 0
  private waiters: Array<() => void> = []

  constructor (limit: number) {
    this.limit = limit
  }

  /** Bytes waiting over all peers. */
  get queued (): number {
    return this.bytes
  }

  /** Whether a peer holding `held` bytes must stop reading. */
  over (held: number): boolean {
    return held > 0 && this.bytes >= this.limit
  }

  take (bytes: number): void {
    this.bytes += bytes
  }

  release (bytes: number): void {
    this.bytes -= bytes
    wakeAll(this.waiters)
    this.waiters = []
  }

  /** Registers a wake-up for the next release. */
  onRelease (wake: () => void): void {
    this.waiters.push(wake)
  }
}

/** The stream a queued message came from: what to do when it turns out malformed. */
export interface FrameSource {
  /** The message was malformed: reset its stream (the frames it still has queued are skipped). */
  rejected(err: unknown): void
  /** True once the stream was reset: its frames still queued are not applied. */
  readonly dead: boolean
}

interface Queued { bytes: Uint8ArrayList, source: FrameSource }

/**
 * One peer's received messages that the node has not finished applying, shared by every inbound stream of the
 * peer (opening more streams does not buy a peer a longer queue). Messages wait here as their wire bytes and are
 * decoded only when their turn comes, one at a time: a decoded want list takes about fourteen times the memory of
 * its bytes (a CID object per want), so a peer's backlog costs what it sent, not what decoding would make of it.
 * `deliver` may return a promise; the next message is decoded once it settles.
 */
export class PeerIntake {
  private readonly limit: number
  private readonly budget: IntakeBudget
  private readonly decode: (bytes: Uint8ArrayList) => DecodedMessage
  private readonly deliver: (message: DecodedMessage, bytes: number) => void | Promise<void>
  private readonly onError: (err: unknown) => void
  private readonly onIdle: (() => void) | undefined
  private readonly queue: Queued[] = []
  /** Messages queued or being applied. */
  private pending = 0
  /** Wire bytes of those messages. */
  private bytes = 0
  private running = false
  private waiters: Array<() => void> = []

  constructor (init: {
    limit: number
    budget: IntakeBudget
    /** Decodes a body; throws the codec's typed errors for bytes that are not a valid message. */
    decode: (bytes: Uint8ArrayList) => DecodedMessage
    deliver: (message: DecodedMessage, bytes: number) => void | Promise<void>
    /** Our own handler failed on a message: logged, and the peer's next message goes on. */
    onError: (err: unknown) => void
    /** Every queued message has been applied. */
    onIdle?: () => void
  }) {
    this.limit = init.limit
    this.budget = init.budget
    this.decode = init.decode
    this.deliver = init.deliver
    this.onError = init.onError
    this.onIdle = init.onIdle
  }

  /** Whether this peer's streams must stop reading: its own limit, or the total with a message of its own waiting. */
  get full (): boolean {
    return this.pending >= this.limit || this.budget.over(this.bytes)
  }

  /** Messages handed over and not yet applied. */
  get queued (): number {
    return this.pending
  }

  /** Wire bytes of those messages. */
  get queuedBytes (): number {
    return this.bytes
  }

  /** Queues a whole message's bytes; it is decoded and delivered after the peer's earlier messages. */
  push (bytes: Uint8ArrayList, source: FrameSource): void {
    this.pending++
    this.bytes += bytes.byteLength
    this.budget.take(bytes.byteLength)
    this.queue.push({ bytes, source })
    if (!this.running) void this.run()
  }

  /** Resolves once the peer may be read again, or when `signal` aborts (the stream ended meanwhile). */
  async room (signal: AbortSignal): Promise<void> {
    while (this.full && !signal.aborted) {
      await new Promise<void>(resolve => {
        const done = (): void => {
          signal.removeEventListener('abort', done)
          resolve()
        }
        this.waiters.push(done)
        // The total can drop through another peer's progress as well as this one's.
        if (this.budget.over(this.bytes)) this.budget.onRelease(done)
        signal.addEventListener('abort', done, { once: true })
      })
    }
  }

  private async run (): Promise<void> {
    this.running = true
    try {
      let next: Queued | undefined
      while ((next = this.queue.shift()) != null) {
        const { bytes, source } = next
        try {
          if (source.dead) continue
          let message: DecodedMessage
          try {
            message = this.decode(bytes)
          } catch (err) {
            source.rejected(err)
            continue
          }
          try {
            await this.deliver(message, bytes.byteLength)
          } catch (err) {
            this.onError(err)
          }
        } finally {
          this.pending--
          this.bytes -= bytes.byteLength
          this.budget.release(bytes.byteLength)
          wakeAll(this.waiters)
          this.waiters = []
        }
      }
    } finally {
      this.running = false
    }
    this.onIdle?.()
  }
}

function wakeAll (waiters: Array<() => void>): void {
  for (const wake of waiters) wake()
}
