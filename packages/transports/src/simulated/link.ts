import type { LinkStats } from '@swapwright/core'

/** Seconds of bandwidth a link's token bucket holds in the Go virtual network (the lab's setting). */
export const GO_BURST_SECONDS = 1

/**
 * One direction of a connection between two simulated nodes.
 *
 * Bandwidth is a token bucket. Tokens (bytes) flow in at `bandwidth` bytes per second, the bucket holds
 * `burstSeconds` of them and starts empty when the link is created (for Bitswap nodes: when they connect, as
 * the node asks for the link's latency then). Each message is charged its encoded size when it is sent; if
 * that leaves the bucket in deficit, the message waits until the deficit is paid back, and the deficit stays
 * on the books, so the next message waits behind it. Messages sent in a burst therefore queue up at exactly
 * the link's rate.
 *
 * How this relates to plain serialization (a link busy for `size / bandwidth` after each message, which is what
 * this link did before): serialization is exactly the bucket that holds nothing, `burstSeconds = 0`, which
 * stays the default so existing simulations keep their timing. The two agree whenever the link is busy; they
 * differ after an idle spell, when a bucket with room has filled up meanwhile and lets up to `burstSeconds`
 * worth of bytes leave at once instead of one after the other (Go's model: `GO_BURST_SECONDS`). In both,
 * `transmit` reports when the last byte has left (the sender is held until then, the back-pressure of a
 * real stream) and when the message arrives, one latency later.
 */
export class SimulatedLink {
  /** One-way delay in ms, drawn once when the link is first used. */
  readonly latency: number
  /** Bytes per second the link carries (Infinity: no limit). */
  readonly bandwidth: number
  /** Most bytes the bucket holds. */
  readonly capacity: number
  /** Bytes in the bucket at `updatedAt`; negative while messages wait for their share of bandwidth. */
  private tokens = 0
  private updatedAt: number
  /** Delivery time of the last message scheduled, so a later message never overtakes an earlier one. */
  lastDeliveryAt = 0
  messages = 0
  bytes = 0
  /** Messages still in flight when the link went down. */
  dropped = 0

  /** `createdAt`: when the (empty) bucket starts filling. */
  constructor (latency: number, bandwidth = Infinity, burstSeconds = 0, createdAt = 0) {
    if (!(burstSeconds >= 0)) throw new RangeError(`Burst must be >= 0 seconds, got ${burstSeconds}`)
    this.latency = latency
    this.bandwidth = bandwidth
    this.capacity = Number.isFinite(bandwidth) ? bandwidth * burstSeconds : Infinity
    this.updatedAt = createdAt
  }

  /** Bytes the link could send right now without waiting (negative: the debt still to be paid). */
  available (now: number): number {
    if (!Number.isFinite(this.bandwidth)) return Infinity
    return Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.bandwidth) / 1000)
  }

  /**
   * Puts `bytes` on the link at `now`. Returns when the message has left (after any wait for bandwidth) and
   * when it arrives: one latency later, and never before the previous message.
   */
  transmit (now: number, bytes: number): { sentAt: number, deliverAt: number } {
    let sentAt = now
    if (Number.isFinite(this.bandwidth)) {
      this.tokens = this.available(now) - bytes
      this.updatedAt = now
      if (this.tokens < 0) sentAt = now + (-this.tokens * 1000) / this.bandwidth
    }
    this.lastDeliveryAt = Math.max(sentAt + this.latency, this.lastDeliveryAt)
    return { sentAt, deliverAt: this.lastDeliveryAt }
  }
}

export function emptyLinkStats (): LinkStats {
  return { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 }
}
