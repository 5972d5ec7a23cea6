import type { RandomSource } from '@swapwright/core'

/** A uniformly random permutation of `items` (a new array), drawn from `random` so a seed reproduces it. */
export function shuffle<T> (items: readonly T[], random: RandomSource): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    const held = out[i]
    out[i] = out[j]
    out[j] = held
  }
  return out
}
