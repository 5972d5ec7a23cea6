import type { LinkStats } from '@swapwright/core'

/** One direction of a connection between two simulated nodes. */
export class SimulatedLink {
  /** One-way delay in ms, drawn once when the link is first used. */
  readonly latency: number
  /** Bytes per second the link carries (Infinity: no limit). */
  readonly bandwidth: number
  /** When the link finishes putting the bytes already sent on the wire. */
  busyUntil = 0
  /** Delivery time of the last message scheduled, so a later message never overtakes an earlier one. */
  lastDeliveryAt = 0
  messages = 0
  bytes = 0
  /** Messages still in flight when the link went down. */
  dropped = 0

  constructor (latency: number, bandwidth = Infinity) {
    this.latency = latency
    this.bandwidth = bandwidth
  }

  /**
   * Puts `bytes` on the link at `now`. Returns when the last byte has left (the sender is blocked until then,
   * which is the back-pressure of a real stream) and when the message arrives: one latency later, and never
   * before the previous message.
   */
  transmit (now: number, bytes: number): { sentAt: number, deliverAt: number } {
    const start = Math.max(now, this.busyUntil)
    const sentAt = Number.isFinite(this.bandwidth) ? start + (bytes * 1000) / this.bandwidth : now
    this.busyUntil = sentAt
    this.lastDeliveryAt = Math.max(sentAt + this.latency, this.lastDeliveryAt)
    return { sentAt, deliverAt: this.lastDeliveryAt }
  }
}

export function emptyLinkStats (): LinkStats {
  return { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 }
}
