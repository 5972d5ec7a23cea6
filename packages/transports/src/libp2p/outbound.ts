import { errorMessage, frame, versionOf, type BitswapMessage, type PeerKey, type ProtocolVersion } from '@swapwright/core'
import { SendStalledError } from './errors.js'
import { SerialQueue } from './serial-queue.js'
import type { Libp2pLinkStats } from './traffic.js'
import type { Logger, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface OutboundStreamInit {
  peer: PeerKey
  /** Opens a fresh stream to the peer, offering our protocols newest first. */
  open(signal: AbortSignal): Promise<Stream>
  /** The protobuf bodies of `message` as a peer of `version` must receive it (each may be a chunk list). */
  encode(message: BitswapMessage, version: ProtocolVersion): Array<Uint8Array | Uint8ArrayList>
  stats: Libp2pLinkStats
  /** A stream unused for this many ms is replaced by a fresh one before the next send. */
  maxIdle: number
  /** Ms a replaced stream gets to flush before it is reset. */
  closeTimeout: number
  /** Ms a write may make no progress (the stream stays backed up) before the stream is reset. */
  stallTimeout: number
  log: Logger
}

/**
 * Lets the caller tell a send that failed while it held the stream from one that never got its turn: only the
 * first says anything about the stream itself.
 */
export interface SendAttempt {
  writing: boolean
}

/** The version a stream negotiated; the bare `/ipfs/bitswap` is 1.0.0. */
export function streamVersion (stream: Stream): ProtocolVersion {
  return versionOf(stream.protocol) ?? '1.0.0'
}

async function closeGently (stream: Stream, timeout: number): Promise<void> {
  try {
    await stream.close({ signal: AbortSignal.timeout(timeout) })
  } catch (err) {
    stream.abort(err as Error)
  }
}

function isWritable (stream: Stream): boolean {
  return stream.status === 'open' && stream.writeStatus === 'writable'
}

/**
 * The one long-lived stream we write to a peer on. It is opened on first use and reused for every message after
 * that, so the muxer's flow-control window grows once instead of restarting per message. Sends run one at a
 * time, in order; each waits while the stream is backed up, so a peer that reads slowly slows its senders
 * down instead of growing our buffers.
 */
export class OutboundStream {
  private readonly init: OutboundStreamInit
  private readonly queue = new SerialQueue()
  private stream: Stream | undefined
  /** When the current stream last carried a message (performance.now()). */
  private lastUsed = 0

  constructor (init: OutboundStreamInit) {
    this.init = init
  }

  /** True while no stream is open: dropping this object then loses nothing. */
  get idle (): boolean {
    return this.stream == null
  }

  /** The version the current stream negotiated, if one is open. */
  get version (): ProtocolVersion | undefined {
    return this.stream == null ? undefined : streamVersion(this.stream)
  }

  /** Makes sure a stream is open (e.g. right after dialling) and returns the version it negotiated. */
  async open (signal: AbortSignal): Promise<ProtocolVersion> {
    return this.queue.run(async () => streamVersion((await this.acquire(signal)).stream), signal)
  }

  /**
   * Writes every part of `message`, then waits until the stream has room again. A stream found dead (closed or
   * reset since the last send) is replaced once and the parts not known to have gone out are written again; a
   * second failure, or any failure on a stream opened for this very send, is the caller's to retry.
   */
  async send (message: BitswapMessage, signal: AbortSignal, attempt: SendAttempt = { writing: false }): Promise<void> {
    await this.queue.run(async () => {
      attempt.writing = true
      let reopened = false
      let parts: Array<Uint8Array | Uint8ArrayList> = []
      let partsVersion: ProtocolVersion | undefined
      let next = 0
      for (;;) {
        const { stream, fresh } = await this.acquire(signal)
        const version = streamVersion(stream)
        if (version !== partsVersion) {
          parts = this.init.encode(message, version)
          partsVersion = version
          next = 0
        }
        // Parts from here on may still sit in the stream's buffer; they are lost if the stream dies now.
        let unconfirmed = next
        try {
          while (next < parts.length) {
            if (stream.writableNeedsDrain) {
              await this.drained(stream, signal)
              unconfirmed = next
            }
            const body = parts[next]
            if (stream.send(frame(body))) unconfirmed = next + 1
            this.init.stats.messagesSent++
            this.init.stats.bytesSent += body.byteLength
            next++
          }
          if (stream.writableNeedsDrain) await this.drained(stream, signal)
          this.lastUsed = performance.now()
          return
        } catch (err) {
          if (signal.aborted) throw err
          if (err instanceof SendStalledError) {
            // The peer stopped reading: a fresh stream would only stall too, and what this one holds is stale.
            this.drop(stream, err)
            throw err
          }
          this.drop(stream, err as Error)
          if (fresh || reopened) throw err
          this.init.log('stream to %s died (%s), reopening it once', this.init.peer, errorMessage(err))
          reopened = true
          next = unconfirmed
        }
      }
    }, signal)
  }

  /** Waits for the stream to take more bytes, for at most the stall timeout. */
  private async drained (stream: Stream, signal: AbortSignal): Promise<void> {
    const stall = AbortSignal.timeout(this.init.stallTimeout)
    try {
      await stream.onDrain({ signal: AbortSignal.any([signal, stall]) })
    } catch (err) {
      if (stall.aborted && !signal.aborted) throw new SendStalledError(this.init.peer, this.init.stallTimeout)
      throw err
    }
  }

  /** Resets the stream, e.g. after a send timed out: whatever it still buffers would only arrive late. */
  reset (err: Error): void {
    const stream = this.stream
    if (stream != null) this.drop(stream, err)
  }

  /** Lets the stream flush what it holds, within `timeout` ms, then closes our end; resets it if that fails. */
  async close (timeout: number): Promise<void> {
    const stream = this.stream
    this.stream = undefined
    if (stream == null) return
    await closeGently(stream, timeout)
  }

  /** Stops using `stream`; what it still holds goes out in the background. */
  private retire (stream: Stream): void {
    if (this.stream === stream) this.stream = undefined
    void closeGently(stream, this.init.closeTimeout)
  }

  private async acquire (signal: AbortSignal): Promise<{ stream: Stream, fresh: boolean }> {
    const current = this.stream
    if (current != null && isWritable(current)) {
      if (performance.now() - this.lastUsed < this.init.maxIdle) return { stream: current, fresh: false }
      // Some peers reset a stream that has been quiet for a while (10 s is common). A message written just as
      // that happens is lost with no error to retry on, so a quiet stream is retired before it can be.
      this.init.log('replacing the stream to %s, idle for %d ms', this.init.peer, Math.round(performance.now() - this.lastUsed))
      this.retire(current)
    }
    this.stream = undefined
    const stream = await this.init.open(signal)
    this.init.stats.streamsOpened++
    // Forget the stream as soon as it ends, whoever ended it, so the next send opens a new one.
    stream.addEventListener('close', () => {
      if (this.stream === stream) this.stream = undefined
    }, { once: true })
    this.stream = stream
    this.lastUsed = performance.now()
    this.init.log('opened %s to %s', stream.protocol, this.init.peer)
    return { stream, fresh: true }
  }

  private drop (stream: Stream, err: Error): void {
    if (this.stream === stream) this.stream = undefined
    stream.abort(err)
  }
}
