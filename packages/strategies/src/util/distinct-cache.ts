import { distinct } from './distinct.js'

/**
 * `distinct` of the array a session ranks over, remembered while the same array comes back: core ranks every
 * want of a pass over one fresh array of peers, so it is checked for repeats once, not per want. An array
 * changed in place between calls is noticed by its length only, so callers pass a fresh one.
 */
export class DistinctCache<T> {
  private last: readonly T[] | undefined
  private lastLength = 0
  private lastDistinct: readonly T[] = []

  of (items: readonly T[]): readonly T[] {
    if (items !== this.last || items.length !== this.lastLength) {
      this.last = items
      this.lastLength = items.length
      this.lastDistinct = distinct(items)
    }
    return this.lastDistinct
  }
}
