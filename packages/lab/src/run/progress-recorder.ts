import type { Clock } from '@swapwright/core'
import { micro, type BlocksPoint } from './metrics.js'
import type { FetchSession } from '../scenarios/fetch-patterns.js'

/** Points a run keeps of its blocks-over-time series: enough for a chart, small enough for a report of hundreds of runs. */
export const MAX_SERIES_POINTS = 200

/**
 * Watches what the fetch patterns get from their sessions: when each block reached the application, in virtual
 * time since the start of the fetch. The sessions are wrapped, not changed, so the strategies see nothing of it.
 */
export class ProgressRecorder {
  private readonly times: number[] = []

  constructor (private readonly clock: Clock, private readonly start: number) {}

  /** `session` as the fetch pattern sees it, every block it hands over noted. */
  watch (session: FetchSession): FetchSession {
    const note = (): void => { this.times.push(this.clock.now() - this.start) }
    return {
      getBlock: async (cid, options) => {
        const bytes = await session.getBlock(cid, options)
        note()
        return bytes
      },
      getBlocks: async function * (cids, options) {
        for await (const block of session.getBlocks(cids, options)) {
          note()
          yield block
        }
      }
    }
  }

  /** Virtual ms until the first block; null when none came. */
  get firstBlockMs (): number | null {
    // noted in the order the virtual clock ran, so the first is the earliest
    return this.times.length === 0 ? null : this.times[0]
  }

  /**
   * The cumulative series, thinned to at most `MAX_SERIES_POINTS` evenly spaced by block count, always keeping
   * the first and the last block (times rounded to a microsecond).
   */
  series (): BlocksPoint[] {
    const sorted = this.times
    const n = sorted.length
    if (n === 0) return []
    const step = Math.max(1, Math.ceil(n / MAX_SERIES_POINTS))
    const points: BlocksPoint[] = []
    for (let i = 0; i < n; i += step) points.push([micro(sorted[i]), i + 1])
    if (points[points.length - 1][1] !== n) points.push([micro(sorted[n - 1]), n])
    return points
  }
}
