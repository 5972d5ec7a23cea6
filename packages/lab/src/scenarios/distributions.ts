import type { RandomSource } from '@swapwright/core'

/** Which blocks each seed holds: for seed `s`, the indices of its blocks. */
export type BlockHoldings = number[][]

/** Spreads `blocks` block indices over `seeds` seeds, drawing from `random` if it needs chance. */
export interface Distribution {
  readonly name: string
  assign(seeds: number, blocks: number, random: RandomSource): BlockHoldings
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)

function needTwoSeeds (name: string, seeds: number): void {
  if (seeds !== 2) throw new RangeError(`Distribution ${name} needs exactly 2 seeds, got ${seeds}`)
}

/** Every seed holds every block. */
export const allToAll: Distribution = {
  name: 'allToAll',
  assign: (seeds, blocks) => Array.from({ length: seeds }, () => range(0, blocks))
}

/** Two seeds: the first holds the first three quarters, the second the last three quarters (both the middle half). */
export const overlap1: Distribution = {
  name: 'overlap1',
  assign: (seeds, blocks) => {
    needTwoSeeds('overlap1', seeds)
    return [range(0, Math.ceil(blocks * 0.75)), range(Math.floor(blocks * 0.25), blocks)]
  }
}

/** Two seeds: even blocks to the first, odd to the second, and every third block to both. */
export const overlap2: Distribution = {
  name: 'overlap2',
  assign: (seeds, blocks) => {
    needTwoSeeds('overlap2', seeds)
    const first = range(0, blocks).filter(i => i % 3 === 0 || i % 2 === 0)
    const second = range(0, blocks).filter(i => i % 3 === 0 || i % 2 === 1)
    return [first, second]
  }
}

/** Each block to one seed picked at random: no two seeds share a block. */
export const onePeerPerBlock: Distribution = {
  name: 'onePeerPerBlock',
  assign: (seeds, blocks, random) => {
    const holdings: BlockHoldings = Array.from({ length: seeds }, () => [])
    for (let i = 0; i < blocks; i++) holdings[Math.floor(random.next() * seeds)].push(i)
    return holdings
  }
}

export const DISTRIBUTIONS = { allToAll, overlap1, overlap2, onePeerPerBlock } as const
export type DistributionName = keyof typeof DISTRIBUTIONS
