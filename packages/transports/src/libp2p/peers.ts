import { versionOf, type PeerKey, type ProtocolVersion } from '@swapwright/core'
import type { Libp2pHost } from './host.js'
import type { Logger, PeerId } from '@libp2p/interface'

export interface BitswapPeersInit {
  host: Libp2pHost
  /** The protocols we speak, newest first. */
  protocols: readonly string[]
  /** A peer became reachable over Bitswap. */
  onUp(peer: PeerKey, version: ProtocolVersion): void
  /** A peer is gone: its last connection closed, or it no longer lists any of our protocols. */
  onDown(peer: PeerKey): void
  log: Logger
}

/**
 * Which connected peers speak Bitswap, at which version. Peers are learnt three ways, whichever comes first:
 * libp2p's topology (identify told us their protocols), a stream they open to us, and our own dial. Each peer
 * is reported up once and down once, however many of those say the same thing.
 */
export class BitswapPeers {
  private readonly init: BitswapPeersInit
  private readonly versions = new Map<PeerKey, ProtocolVersion>()
  private topologies: string[] = []
  private running = false

  constructor (init: BitswapPeersInit) {
    this.init = init
  }

  async start (): Promise<void> {
    this.running = true
    const { host } = this.init
    host.addEventListener('peer:disconnect', this.onPeerDisconnect)
    for (const protocol of this.init.protocols) {
      this.topologies.push(await host.register(protocol, {
        onConnect: (peerId) => { void this.identified(peerId) },
        onDisconnect: (peerId) => { void this.recheck(peerId) }
      }))
    }
    // Topologies only report peers identified from now on; pick up the ones that already were.
    await Promise.all(host.getPeers().map(async peerId => { await this.identified(peerId) }))
  }

  /** Stops listening and forgets every peer; returns the peers that were up, for the caller to report. */
  stop (): PeerKey[] {
    this.running = false
    this.init.host.removeEventListener('peer:disconnect', this.onPeerDisconnect)
    for (const id of this.topologies) this.init.host.unregister(id)
    this.topologies = []
    const peers = [...this.versions.keys()]
    this.versions.clear()
    return peers
  }

  has (peer: PeerKey): boolean {
    return this.versions.has(peer)
  }

  version (peer: PeerKey): ProtocolVersion | undefined {
    return this.versions.get(peer)
  }

  list (): PeerKey[] {
    return [...this.versions.keys()]
  }

  /** Marks a peer up, reporting it if it is new. A known peer only has its version corrected. */
  up (peer: PeerKey, version: ProtocolVersion): void {
    if (!this.running || peer === this.init.host.peerId.toString()) return
    const known = this.versions.has(peer)
    this.versions.set(peer, version)
    if (!known) {
      this.init.log('peer %s speaks bitswap %s', peer, version)
      this.init.onUp(peer, version)
    }
  }

  down (peer: PeerKey): void {
    if (!this.versions.delete(peer)) return
    this.init.log('peer %s is gone', peer)
    this.init.onDown(peer)
  }

  /** True while at least one usable connection to the peer is open. */
  isConnected (peerId: PeerId): boolean {
    return this.init.host.getConnections(peerId).some(connection => connection.status === 'open')
  }

  /** The newest of our protocols the peer store says the peer speaks. */
  async storedVersion (peerId: PeerId): Promise<ProtocolVersion | undefined> {
    try {
      const { protocols } = await this.init.host.peerStore.get(peerId)
      const shared = this.init.protocols.find(protocol => protocols.includes(protocol))
      return shared == null ? undefined : versionOf(shared)
    } catch {
      return undefined
    }
  }

  /** Identify finished for a peer (or it was connected before we started): up if it speaks one of ours. */
  private async identified (peerId: PeerId): Promise<void> {
    const peer = peerId.toString()
    if (!this.running || this.versions.has(peer)) return
    const version = await this.storedVersion(peerId)
    // The peer store lookup is async: the peer may have left, or we may have stopped, in the meantime.
    if (version == null || !this.isConnected(peerId)) return
    this.up(peer, version)
  }

  /**
   * A topology says the peer no longer qualifies for one protocol. With four protocols that can be a downgrade
   * rather than a departure, so it is down only if it is unreachable or speaks none of ours any more.
   */
  private async recheck (peerId: PeerId): Promise<void> {
    const peer = peerId.toString()
    if (!this.versions.has(peer)) return
    if (this.isConnected(peerId) && await this.storedVersion(peerId) != null) return
    this.down(peer)
  }

  private readonly onPeerDisconnect = (event: CustomEvent<PeerId>): void => {
    this.down(event.detail.toString())
  }
}
