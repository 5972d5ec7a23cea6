import { factoryPlugin, type PeerKey, type PeerSelector, type Plugin, type RandomSource, type SessionFeedback, type SessionPeerSelector } from '@swapwright/core'
import { DistinctCache } from '../util/distinct-cache.js'
import type { CID } from 'multiformats/cid'

type Presence = 'have' | 'dont-have'

/**
 * The peer choice of current Go Bitswap (1.2.0), after boxo's session want sender and peer response tracker
 * (`bitswap/client/internal/session/sessionwantsender.go`, `peerresponsetracker.go`): what a peer said about a
 * block matters most (HAVE, then no answer yet, then DONT_HAVE), and among peers that said the same thing the
 * first place is a weighted lottery. A peer's weight is one more than the number of blocks it delivered first in
 * this session, so fast peers are preferred while a newcomer still gets its chance. Latency plays no part.
 */
export class PresencePeerSelector implements PeerSelector {
  readonly name = 'presence-peer-selector'

  constructor (private readonly random: RandomSource) {}

  forSession (): SessionPeerSelector {
    return new PresenceSession(this.random)
  }
}

class PresenceSession implements SessionPeerSelector {
  /** Per CID, what each peer told this session about it. */
  private readonly presence = new Map<string, Map<PeerKey, Presence>>()
  private readonly firsts = new Map<PeerKey, number>()
  private readonly unique = new DistinctCache<PeerKey>()

  constructor (private readonly random: RandomSource) {}

  /**
   * One pass over the peers, no sort: only the first place is drawn, because it is the only one a splitter of
   * this design acts on (the WANT_BLOCK target; every other peer gets the same WANT_HAVE whatever its place).
   * The rest follow in their class, HAVE, then no answer, then DONT_HAVE, in the order given. A session of
   * hundreds of peers ranks every want again whenever one of them answers, so a full lottery per want (a random
   * number, a logarithm and a sort over every peer) was most of the cost of a large swarm.
   */
  rank (cid: CID, peers: readonly PeerKey[]): PeerKey[] {
    const unique = this.unique.of(peers)
    // nobody said anything about any block (small blocks asked one peer at a time): no key to make
    const known = this.presence.size === 0 ? undefined : this.presence.get(cid.toString())
    // nobody said anything about this block yet: one class
    if (known == null) return this.lead(unique.slice(), unique.length)
    // one array, filled class by class at offsets counted first: HAVE, then no answer, then DONT_HAVE
    let haves = 0
    let unknown = 0
    for (const peer of unique) {
      const said = known.get(peer)
      if (said === 'have') haves++
      else if (said !== 'dont-have') unknown++
    }
    const out = new Array<PeerKey>(unique.length)
    let h = 0
    let u = haves
    let d = haves + unknown
    for (const peer of unique) {
      const said = known.get(peer)
      if (said === 'have') out[h++] = peer
      else if (said === 'dont-have') out[d++] = peer
      else out[u++] = peer
    }
    return this.lead(out, haves > 0 ? haves : unknown > 0 ? unknown : out.length)
  }

  observe (feedback: SessionFeedback): void {
    switch (feedback.type) {
      case 'have':
        this.record(feedback.cid, feedback.peer, 'have')
        break
      case 'dont-have':
        // a peer that said HAVE and then failed (refused, went silent, sent garbage) goes last for this block:
        // trusting its HAVE would send the want straight back to it
        this.record(feedback.cid, feedback.peer, 'dont-have')
        break
      case 'block':
        if (feedback.first) this.firsts.set(feedback.peer, (this.firsts.get(feedback.peer) ?? 0) + 1)
        // the want is satisfied, so what peers said about it no longer decides anything
        if (this.presence.size > 0) this.presence.delete(feedback.cid.toString())
        break
      case 'peer-removed':
        this.firsts.delete(feedback.peer)
        for (const said of this.presence.values()) said.delete(feedback.peer)
        break
      case 'peer-added':
        break
    }
  }

  private record (cid: CID, peer: PeerKey, presence: Presence): void {
    const key = cid.toString()
    let said = this.presence.get(key)
    if (said == null) {
      said = new Map()
      this.presence.set(key, said)
    }
    said.set(peer, presence)
  }

  /**
   * Moves one of the first `count` peers of `out` to the front, the rest keeping their order: drawn with
   * probability proportional to its weight (first deliveries + 1), the first place of a weighted lottery, in
   * at most two passes and one random number. Returns `out`.
   */
  private lead (out: PeerKey[], count: number): PeerKey[] {
    if (count < 2) return out
    const at = this.draw(out, count)
    const winner = out[at]
    for (let i = at; i > 0; i--) out[i] = out[i - 1]
    out[0] = winner
    return out
  }

  /** The place, of the first `count` of `out`, the lottery falls on. */
  private draw (out: readonly PeerKey[], count: number): number {
    // No peer delivered first yet: every weight is 1 and the ticket's whole part is the place (subtracting 1 at
    // a time from a double of at least 1 is exact, so this is the loop below, without a lookup per peer).
    if (this.firsts.size === 0) return Math.min(Math.floor(this.random.next() * count), count - 1)
    let total = 0
    for (let i = 0; i < count; i++) total += this.weight(out[i])
    let ticket = this.random.next() * total
    let at = count - 1
    for (let i = 0; i < count; i++) {
      ticket -= this.weight(out[i])
      if (ticket < 0) {
        at = i
        break
      }
    }
    return at
  }

  private weight (peer: PeerKey): number {
    return (this.firsts.get(peer) ?? 0) + 1
  }
}

/** The Go default: HAVE > unknown > DONT_HAVE, ties by a lottery weighted by first-responder count + 1. */
export function presencePeerSelector (): Plugin<PeerSelector> {
  return factoryPlugin('presence-peer-selector', components => new PresencePeerSelector(components.random))
}
