import type {
  AbortOptions, Connection, PeerId, PeerStore, StreamHandler, StreamHandlerOptions, Topology
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Everything the libp2p network asks of the node it runs on, and nothing more. A whole `Libp2p` node is one as
 * it is; a libp2p service gets one from its components through `componentsHost()`. Keeping it this narrow is
 * what lets the same network run either way.
 */
export interface Libp2pHost {
  /** This node. */
  readonly peerId: PeerId
  /** Read for the protocols identify recorded for a peer. */
  readonly peerStore: Pick<PeerStore, 'get'>
  /** Takes inbound streams on `protocols`. */
  handle(protocols: string[], handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle(protocols: string[], options?: AbortOptions): Promise<void>
  /** Asks to be told when peers that speak `protocol` connect (after identify) and leave; returns an id. */
  register(protocol: string, topology: Topology): Promise<string>
  unregister(id: string): void
  /** Opens a connection, or returns the one already open. */
  dial(target: PeerId | Multiaddr[], options?: AbortOptions): Promise<Connection>
  /** Closes every connection to the peer. */
  hangUp(peer: PeerId, options?: AbortOptions): Promise<void>
  /** The open connections, to one peer or to all. */
  getConnections(peer?: PeerId): Connection[]
  /** Every peer with at least one connection. */
  getPeers(): PeerId[]
  /** `peer:disconnect` fires when a peer's last connection closes. */
  addEventListener(type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void
  removeEventListener(type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void
}
