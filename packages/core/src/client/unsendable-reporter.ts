import { unsendableWants } from '../wire/codec.js'
import type { Clock } from '../interfaces/clock.js'
import type { BitswapNetwork, NetworkHandler } from '../interfaces/network.js'
import type { ProviderRecord } from '../interfaces/provider-finder.js'
import type { AbortOptions, PeerKey, ProtocolVersion } from '../types.js'
import type { BitswapMessage } from '../wire/types.js'
import type { CID } from 'multiformats/cid'

/**
 * The node's network as the client's message queues see it. A network fits each message to the peer's version
 * and silently leaves out what that version cannot say; a CIDv1 want to a 1.0.0 peer would then wait for an
 * answer that can never come. After each send this reports such wants, so the client can count them as that
 * peer's DONT_HAVE at once. Everything else goes straight to the network.
 */
export class UnsendableReporter implements BitswapNetwork {
  constructor (
    private readonly network: BitswapNetwork,
    private readonly clock: Clock,
    private readonly onUnsendable: (peer: PeerKey, cids: CID[]) => void
  ) {}

  get name (): string { return this.network.name }
  get self (): PeerKey { return this.network.self }

  async send (peer: PeerKey, message: BitswapMessage, options?: AbortOptions): Promise<void> {
    await this.network.send(peer, message, options)
    const lost = unsendableWants(message, this.network.version(peer))
    // On the next turn: the queue first books the send (and its DONT_HAVE timeouts), then learns the answer.
    if (lost.length > 0) this.clock.setTimeout(() => { this.onUnsendable(peer, lost) }, 0)
  }

  async start (handler: NetworkHandler): Promise<void> { await this.network.start(handler) }
  async stop (): Promise<void> { await this.network.stop() }
  async connect (peer: PeerKey | ProviderRecord, options?: AbortOptions): Promise<ProtocolVersion> { return this.network.connect(peer, options) }
  async disconnect (peer: PeerKey): Promise<void> { await this.network.disconnect(peer) }
  version (peer: PeerKey): ProtocolVersion | undefined { return this.network.version(peer) }
  connectedPeers (): PeerKey[] { return this.network.connectedPeers() }
  latency (peer: PeerKey): number | undefined { return this.network.latency(peer) }
  stats (peer: PeerKey): ReturnType<BitswapNetwork['stats']> { return this.network.stats(peer) }
}
