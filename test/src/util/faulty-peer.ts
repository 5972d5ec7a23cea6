import { encodePrefixOf, type BitswapMessage, type DecodedMessage, type PeerKey } from '@swapwright/core'
import type { TestBlock } from './blocks.js'
import type { SimulatedNetwork, SimulatedNodeNetwork } from '@swapwright/transports'

/**
 * How a scripted peer misbehaves:
 * - `silent`: never answers anything;
 * - `corrupt`: says HAVE, and answers a WANT_BLOCK with bytes that are not the block;
 * - `liar`: says HAVE to every want and never sends a block;
 * - `refuse-after-have`: says HAVE to a WANT_HAVE and DONT_HAVE to a WANT_BLOCK (its block was deleted);
 * - `disconnect`: says HAVE, then on its first WANT_BLOCK puts the block on the wire and drops the connection
 *   before it arrives;
 * - `late`: answers DONT_HAVE (and forgets the want, as Helia does) until `lateAfter` ms, then serves honestly.
 */
export type Fault = 'silent' | 'corrupt' | 'liar' | 'refuse-after-have' | 'disconnect' | 'late'

export interface FaultyPeerInit {
  fault: Fault
  blocks: TestBlock[]
  /** For `late`: virtual ms (from start) after which the peer has the blocks. */
  lateAfter?: number
}

/** A peer on the simulated network that speaks the wire by hand and misbehaves as its fault says. */
export class FaultyPeer {
  readonly network: SimulatedNodeNetwork
  private readonly hub: SimulatedNetwork
  private readonly init: FaultyPeerInit
  private readonly blocks = new Map<string, TestBlock>()
  private readonly startedAt: number
  private dropped = false

  private constructor (hub: SimulatedNetwork, name: PeerKey, init: FaultyPeerInit) {
    this.hub = hub
    this.init = init
    this.network = hub.node(name)
    this.startedAt = hub.clock.now()
    for (const block of init.blocks) this.blocks.set(block.cid.toString(), block)
  }

  static async start (hub: SimulatedNetwork, name: PeerKey, init: FaultyPeerInit): Promise<FaultyPeer> {
    const peer = new FaultyPeer(hub, name, init)
    await peer.network.start({
      onMessage: (from, message) => { peer.answer(from, message) },
      onPeerConnected: () => {},
      onPeerDisconnected: () => {}
    })
    return peer
  }

  private answer (from: PeerKey, message: DecodedMessage): void {
    const { fault } = this.init
    if (fault === 'silent' || this.dropped) return
    const reply: BitswapMessage = { blocks: [], presences: [], pendingBytes: 0 }
    let disconnect = false
    for (const entry of message.wantlist?.entries ?? []) {
      if (entry.cancel) continue
      const block = this.blocks.get(entry.cid.toString())
      if (block == null) {
        if (entry.sendDontHave) reply.presences.push({ cid: entry.cid, type: 'dont-have' })
        continue
      }
      const asksBlock = entry.wantType === 'block'
      switch (fault) {
        case 'corrupt':
          if (asksBlock) reply.blocks.push({ prefix: encodePrefixOf(block.cid), data: block.data.map(byte => byte ^ 0x5a) })
          else reply.presences.push({ cid: entry.cid, type: 'have' })
          break
        case 'liar':
          reply.presences.push({ cid: entry.cid, type: 'have' })
          break
        case 'refuse-after-have':
          reply.presences.push({ cid: entry.cid, type: asksBlock ? 'dont-have' : 'have' })
          break
        case 'disconnect':
          if (asksBlock) {
            reply.blocks.push({ prefix: encodePrefixOf(block.cid), data: block.data })
            disconnect = true
          } else {
            reply.presences.push({ cid: entry.cid, type: 'have' })
          }
          break
        case 'late':
          if (this.hub.clock.now() - this.startedAt < (this.init.lateAfter ?? 0)) {
            if (entry.sendDontHave) reply.presences.push({ cid: entry.cid, type: 'dont-have' })
          } else if (asksBlock) {
            reply.blocks.push({ prefix: encodePrefixOf(block.cid), data: block.data })
          } else {
            reply.presences.push({ cid: entry.cid, type: 'have' })
          }
          break
      }
    }
    if (reply.blocks.length === 0 && reply.presences.length === 0) return
    void this.network.send(from, reply).catch(() => {})
    if (disconnect) {
      // The block is on the wire; the connection drops before it lands, so it never does.
      this.dropped = true
      void this.network.disconnect(from)
    }
  }
}
