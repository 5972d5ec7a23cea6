import type { RandomSource } from '@swapwright/core'

/**
 * Orders `items` as if drawing them one by one without replacement, each draw picking an item with probability
 * proportional to its weight. Giving every item one exponential key (log(u) / weight) and sorting by it yields
 * exactly that distribution with a single random number per item, instead of a draw loop per position.
 */
export function weightedOrder<T> (items: readonly T[], weight: (item: T) => number, random: RandomSource): T[] {
  const keyed = items.map(item => {
    const w = weight(item)
    if (!(w > 0)) throw new RangeError(`weights must be positive, got ${w}`)
    // 1 - next() is in (0, 1], so the logarithm is finite and at most 0
    return { item, key: Math.log(1 - random.next()) / w }
  })
  keyed.sort((a, b) => b.key - a.key)
  return keyed.map(k => k.item)
}
