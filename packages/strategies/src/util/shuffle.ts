import type { RandomSource } from '@swapwright/core'

/** A uniformly random permutation of `items` (a new array), drawn from `random` so a seed reproduces it. */
export function shuffle<T> (items: readonly T[], random: RandomSource): T[] {
  return shuffleInPlace([...items], random)
}

/** `shuffle` of an array the caller owns, permuted where it is (Fisher-Yates from the end); returns it. */
export function shuffleInPlace<T> (out: T[], random: RandomSource): T[] {
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    const held = out[i]
    out[i] = out[j]
    out[j] = held
  }
  return out
}
