import type { Libp2pHost } from './host.js'
import type {
  AbortOptions, Connection, PeerId, PeerStore, StreamHandler, StreamHandlerOptions, Topology
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The parts of a libp2p node's components (what a service factory is handed) a `Libp2pHost` is built from.
 * Spelt out here rather than imported so this package needs no libp2p internals; libp2p's own components are
 * one of these as they are.
 */
export interface Libp2pHostComponents {
  peerId: PeerId
  peerStore: Pick<PeerStore, 'get'>
  registrar: {
    handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
    unhandle(protocol: string, options?: AbortOptions): Promise<void>
    register(protocol: string, topology: Topology): Promise<string>
    unregister(id: string): void
  }
  connectionManager: {
    openConnection(target: PeerId | Multiaddr[], options?: AbortOptions): Promise<Connection>
    closeConnections(peer: PeerId, options?: AbortOptions): Promise<void>
    getConnections(peer?: PeerId): Connection[]
  }
  events: {
    addEventListener(type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void
    removeEventListener(type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void
  }
}

/**
 * A `Libp2pHost` over a node's components, doing what the `Libp2p` node's own methods do with them. Every
 * component is looked up when it is used, never before: a service is built while the node is still being put
 * together.
 */
export class ComponentsLibp2pHost implements Libp2pHost {
  private readonly components: Libp2pHostComponents

  constructor (components: Libp2pHostComponents) {
    this.components = components
  }

  get peerId (): PeerId {
    return this.components.peerId
  }

  get peerStore (): Pick<PeerStore, 'get'> {
    return this.components.peerStore
  }

  async handle (protocols: string[], handler: StreamHandler, options?: StreamHandlerOptions): Promise<void> {
    const { registrar } = this.components
    await Promise.all(protocols.map(async protocol => { await registrar.handle(protocol, handler, options) }))
  }

  async unhandle (protocols: string[], options?: AbortOptions): Promise<void> {
    const { registrar } = this.components
    await Promise.all(protocols.map(async protocol => { await registrar.unhandle(protocol, options) }))
  }

  async register (protocol: string, topology: Topology): Promise<string> {
    return this.components.registrar.register(protocol, topology)
  }

  unregister (id: string): void {
    this.components.registrar.unregister(id)
  }

  async dial (target: PeerId | Multiaddr[], options?: AbortOptions): Promise<Connection> {
    return this.components.connectionManager.openConnection(target, options)
  }

  async hangUp (peer: PeerId, options?: AbortOptions): Promise<void> {
    await this.components.connectionManager.closeConnections(peer, options)
  }

  getConnections (peer?: PeerId): Connection[] {
    return this.components.connectionManager.getConnections(peer)
  }

  getPeers (): PeerId[] {
    const peers = new Map<string, PeerId>()
    for (const connection of this.components.connectionManager.getConnections()) {
      peers.set(connection.remotePeer.toString(), connection.remotePeer)
    }
    return [...peers.values()]
  }

  addEventListener (type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void {
    this.components.events.addEventListener(type, listener)
  }

  removeEventListener (type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void): void {
    this.components.events.removeEventListener(type, listener)
  }
}

/** A `Libp2pHost` over a libp2p service's components. */
export function componentsHost (components: Libp2pHostComponents): Libp2pHost {
  return new ComponentsLibp2pHost(components)
}
