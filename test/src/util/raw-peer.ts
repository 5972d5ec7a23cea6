import { cidOfBlock, HasherRegistry, VirtualClock } from '@swapwright/core'
import type { BitswapMessage, DecodedMessage, PeerKey, WantEntry } from '@swapwright/core'
import type { SimulatedNetwork, SimulatedNodeNetwork } from '@swapwright/transports'
import type { CID } from 'multiformats/cid'

/** The hashers the raw checks verify received blocks with. */
const hashers = new HasherRegistry()

export interface Arrival {
  at: number
  from: PeerKey
  message: DecodedMessage
}

/**
 * A peer that speaks the wire by hand: it sends exactly the messages a test writes and records every message
 * it receives, so tests can check what a node puts on the wire.
 */
export class RawPeer {
  readonly network: SimulatedNodeNetwork
  readonly received: Arrival[] = []
  readonly errors: Error[] = []
  private readonly hub: SimulatedNetwork

  constructor (hub: SimulatedNetwork, name: PeerKey) {
    this.hub = hub
    this.network = hub.node(name)
  }

  static async start (hub: SimulatedNetwork, name: PeerKey): Promise<RawPeer> {
    const peer = new RawPeer(hub, name)
    await peer.network.start({
      onMessage: (from, message) => { peer.received.push({ at: hub.clock.now(), from, message }) },
      onPeerConnected: () => {},
      onPeerDisconnected: () => {},
      onProtocolError: (_from, error) => { peer.errors.push(error) }
    })
    return peer
  }

  get name (): PeerKey {
    return this.network.self
  }

  /**
   * Sends a message. On a virtual clock, time is driven until the message has left the link (a slow link holds
   * the sender back), since nothing else would move the clock while the test waits.
   */
  async send (to: PeerKey, message: Partial<BitswapMessage>): Promise<void> {
    const sending = this.network.send(to, { blocks: [], presences: [], pendingBytes: 0, ...message })
    const clock = this.hub.clock
    await (clock instanceof VirtualClock ? clock.run(sending) : sending)
  }

  async want (to: PeerKey, entries: Array<Partial<WantEntry> & { cid: CID }>, full = false): Promise<void> {
    await this.send(to, {
      wantlist: {
        full,
        entries: entries.map(e => ({ priority: 1, wantType: 'block', sendDontHave: false, cancel: false, ...e }))
      }
    })
  }

  /** Every block received, in order, as the CID strings their bytes hash to. */
  async blockCids (): Promise<string[]> {
    const blocks = this.received.flatMap(r => r.message.blocks)
    return Promise.all(blocks.map(async block => (await cidOfBlock(block, hashers)).toString()))
  }

  presences (type?: 'have' | 'dont-have'): string[] {
    return this.received.flatMap(r => r.message.presences)
      .filter(p => type == null || p.type === type)
      .map(p => p.cid.toString())
  }

  blocks (): Uint8Array[] {
    return this.received.flatMap(r => r.message.blocks.map(b => b.data))
  }
}
