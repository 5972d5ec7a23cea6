import { factoryPlugin, type PeerKey, type PeerSelector, type Plugin, type RandomSource, type SessionFeedback, type SessionPeerSelector } from '@swapwright/core'
import { distinct } from '../util/distinct.js'
import { weightedOrder } from '../util/weighted-order.js'
import type { CID } from 'multiformats/cid'

type Presence = 'have' | 'dont-have'

/**
 * The peer choice of current Go Bitswap (1.2.0), after boxo's session want sender and peer response tracker
 * (`bitswap/client/internal/session/sessionwantsender.go`, `peerresponsetracker.go`): what a peer said about a
 * block matters most (HAVE, then no answer yet, then DONT_HAVE), and among peers that said the same thing the
 * order is a weighted lottery. A peer's weight is one more than the number of blocks it delivered first in this
 * session, so fast peers are preferred while a newcomer still gets its chance. Latency plays no part.
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

  constructor (private readonly random: RandomSource) {}

  rank (cid: CID, peers: readonly PeerKey[]): PeerKey[] {
    const known = this.presence.get(cid.toString())
    const haves: PeerKey[] = []
    const unknown: PeerKey[] = []
    const dontHaves: PeerKey[] = []
    for (const peer of distinct(peers)) {
      const said = known?.get(peer)
      if (said === 'have') haves.push(peer)
      else if (said === 'dont-have') dontHaves.push(peer)
      else unknown.push(peer)
    }
    return [...this.lottery(haves), ...this.lottery(unknown), ...this.lottery(dontHaves)]
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
        this.presence.delete(feedback.cid.toString())
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

  private lottery (peers: PeerKey[]): PeerKey[] {
    if (peers.length < 2) return peers
    return weightedOrder(peers, peer => (this.firsts.get(peer) ?? 0) + 1, this.random)
  }
}

/** The Go default: HAVE > unknown > DONT_HAVE, ties by a lottery weighted by first-responder count + 1. */
export function presencePeerSelector (): Plugin<PeerSelector> {
  return factoryPlugin('presence-peer-selector', components => new PresencePeerSelector(components.random))
}
