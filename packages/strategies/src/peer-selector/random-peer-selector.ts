import { factoryPlugin, type PeerSelector, type Plugin, type RandomSource, type SessionPeerSelector } from '@swapwright/core'
import { distinct } from '../util/distinct.js'
import { shuffle } from '../util/shuffle.js'

/**
 * A fresh random order for every want, ignoring everything the session learns: the baseline any smarter
 * selector has to beat, and reproducible because the order comes from the node's seeded source.
 */
export class RandomPeerSelector implements PeerSelector {
  readonly name = 'random-peer-selector'

  constructor (private readonly random: RandomSource) {}

  forSession (): SessionPeerSelector {
    return {
      rank: (_cid, peers) => shuffle(distinct(peers), this.random),
      observe: () => {}
    }
  }
}

/** Peers in a seeded random order. */
export function randomPeerSelector (): Plugin<PeerSelector> {
  return factoryPlugin('random-peer-selector', components => new RandomPeerSelector(components.random))
}
