/**
 * A rate of `rate` units a second with a burst of one second's worth. Taking may overdraw it (a block is never
 * split to fit), and the owner then waits until the balance is back to zero: over time the rate holds exactly.
 */
export class TokenBucket {
  private readonly rate: number
  private tokens: number
  private updatedAt: number

  constructor (rate: number, now: number) {
    this.rate = rate
    this.tokens = rate
    this.updatedAt = now
  }

  /** When the balance is back to zero or above: `now` or earlier if it already is. */
  readyAt (now: number): number {
    this.refill(now)
    return this.tokens >= 0 ? now : now + Math.ceil(-this.tokens * 1000 / this.rate)
  }

  take (amount: number, now: number): void {
    this.refill(now)
    this.tokens -= amount
  }

  private refill (now: number): void {
    if (now <= this.updatedAt) return
    this.tokens = Math.min(this.rate, this.tokens + (now - this.updatedAt) * this.rate / 1000)
    this.updatedAt = now
  }
}
