import type { PeerKey, RandomSource } from '@swapwright/core'

/**
 * A tie-break order over peers that is fixed for one node but differs between nodes. A plain comparison of
 * peer IDs would let the same peers win every tie on every server in the network; salting the hash with a
 * number drawn once per node spreads that luck around while keeping each node's order stable.
 */
export class SaltedPeerOrder {
  private readonly salt: number

  constructor (random: RandomSource) {
    this.salt = Math.floor(random.next() * 0x1_0000_0000) >>> 0
  }

  /** Negative when `a` wins the tie; zero only for the same peer. */
  compare (a: PeerKey, b: PeerKey): number {
    if (a === b) return 0
    const ha = this.hash(a)
    const hb = this.hash(b)
    if (ha !== hb) return ha - hb
    // a hash collision must still give a total order
    return a < b ? -1 : 1
  }

  /** 32-bit FNV-1a over the salt and the key's UTF-16 units, with a final avalanche so nearby keys spread. */
  hash (key: PeerKey): number {
    let h = 0x811c9dc5 ^ this.salt
    for (let i = 0; i < key.length; i++) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
    }
    h ^= h >>> 16
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
    return h >>> 0
  }
}
