import type { PeerKey } from '@swapwright/core'

/** A peer's usefulness as last recorded: its score then, and when (the node's clock, ms). */
export interface PeerScore {
  peer: PeerKey
  score: number
  at: number
}

/**
 * Where `adaptiveBroadcast` keeps its scores between runs of a node. It reads once when the node starts and
 * writes when it stops (and every `saveInterval`). Any key-value store fits in a few lines, for example a
 * datastore of the node's repository: `get: async () => JSON.parse(await ds.get(key))`, `put: async s => ds.put(key, json(s))`.
 */
export interface ScoreStore {
  get(): PeerScore[] | undefined | Promise<PeerScore[] | undefined>
  put(scores: readonly PeerScore[]): void | Promise<void>
}

/** Scores kept in memory: hand one store to successive nodes to carry scores across their restarts (tests, the lab). */
export function memoryScoreStore (): ScoreStore & { readonly saved: readonly PeerScore[] | undefined } {
  let saved: PeerScore[] | undefined
  return {
    get saved () { return saved },
    get: () => saved?.map(score => ({ ...score })),
    put: (scores) => { saved = scores.map(score => ({ ...score })) }
  }
}
