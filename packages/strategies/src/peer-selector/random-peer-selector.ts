import { factoryPlugin, type PeerKey, type PeerSelector, type Plugin, type RandomSource, type SessionPeerSelector } from '@swapwright/core'
import { DistinctCache } from '../util/distinct-cache.js'
import { shuffle } from '../util/shuffle.js'

/**
 * A fresh random order for every want, ignoring everything the session learns: the baseline any smarter
 * selector has to beat, and reproducible because the order comes from the node's seeded source.
 */
export class RandomPeerSelector implements PeerSelector {
  readonly name = 'random-peer-selector'

  constructor (private readonly random: RandomSource) {}

  forSession (): SessionPeerSelector {
    // repeats checked once per array of peers, not per want (see DistinctCache)
    const unique = new DistinctCache<PeerKey>()
    return {
      rank: (_cid, peers) => shuffle(unique.of(peers), this.random),
      observe: () => {}
    }
  }
}

/** Peers in a seeded random order. */
export function randomPeerSelector (): Plugin<PeerSelector> {
  return factoryPlugin('random-peer-selector', components => new RandomPeerSelector(components.random))
}
