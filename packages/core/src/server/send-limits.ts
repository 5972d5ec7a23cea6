import { LruMap } from '../util/lru-map.js'
import { TokenBucket } from './token-bucket.js'

/** The fair-sending limits of the server; 0 turns a limit off (the default for each, as in Go's server). */
export interface SendLimitsInit {
  /** Bytes of replies a second to one peer. */
  bytesPerSecond: number
  /** Blocks a second to one peer. */
  blocksPerSecond: number
  /** Ms before the same block is sent to the same peer again. */
  minBlockResendInterval: number
  /** Blocks per peer whose last send time is remembered for the resend interval. */
  resendMemory: number
}

/**
 * One peer's sending allowance: token buckets on bytes and blocks a second, and when each block last went out,
 * so a peer that wants, cancels and wants a block again cannot make us send it faster than the interval allows.
 */
export class PeerSendLimits {
  private readonly bytes: TokenBucket | undefined
  private readonly blocks: TokenBucket | undefined
  private readonly sent: LruMap<string, number> | undefined
  private readonly interval: number

  constructor (init: SendLimitsInit, now: number) {
    this.bytes = init.bytesPerSecond > 0 ? new TokenBucket(init.bytesPerSecond, now) : undefined
    this.blocks = init.blocksPerSecond > 0 ? new TokenBucket(init.blocksPerSecond, now) : undefined
    this.interval = init.minBlockResendInterval
    this.sent = this.interval > 0 ? new LruMap(init.resendMemory) : undefined
  }

  /** When the peer may be sent more: `now` when it may already. */
  readyAt (now: number): number {
    return Math.max(this.bytes?.readyAt(now) ?? now, this.blocks?.readyAt(now) ?? now)
  }

  /** When the block with this key may next be sent to the peer: `now` when it may already. */
  resendAt (key: string, now: number): number {
    const last = this.sent?.get(key)
    return last == null ? now : Math.max(now, last + this.interval)
  }

  /** Charges a batch about to be sent: its bytes, and each block by key. */
  charge (bytes: number, blockKeys: readonly string[], now: number): void {
    this.bytes?.take(bytes, now)
    if (blockKeys.length > 0) this.blocks?.take(blockKeys.length, now)
    if (this.sent != null) for (const key of blockKeys) this.sent.set(key, now)
  }
}

/** Whether any of the limits is on; when none is, the queue skips them entirely. */
export function limitsOn (init: SendLimitsInit): boolean {
  return init.bytesPerSecond > 0 || init.blocksPerSecond > 0 || init.minBlockResendInterval > 0
}
