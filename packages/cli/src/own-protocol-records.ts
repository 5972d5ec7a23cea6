import type { Libp2p, PeerData, PeerId, PeerStore } from '@libp2p/interface'

/**
 * Stops libp2p filing the node's own protocols in its peer store, for a node that runs no identify (a get from
 * named peers). libp2p files every protocol the node handles there, as the record identify tells peers; without
 * identify nothing reads it (which protocols the node handles is the registrar's, not the store's). Filing them
 * is not free: the store keeps a record's protocols sorted by the locale's collation, and the first such sort
 * loads ICU's collator, 10-25 ms of every start of a get before its first want (Bitswap handles four
 * protocols as it starts). Every other record (the peers' own) is filed as before.
 */
export function unfileOwnProtocols (libp2p: Libp2p): void {
  const store = libp2p.peerStore
  const merge = store.merge.bind(store)
  const patch = store.patch.bind(store)
  const self = libp2p.peerId
  const own = (peer: PeerId, data: PeerData): boolean => peer.equals(self) && Object.keys(data).every(key => key === 'protocols')
  const unfiled = (peer: PeerId): ReturnType<PeerStore['merge']> =>
    Promise.resolve({ id: peer, addresses: [], protocols: [], metadata: new Map(), tags: new Map() })
  store.merge = async (peer, data, options) => own(peer, data) ? await unfiled(peer) : await merge(peer, data, options)
  store.patch = async (peer, data, options) => own(peer, data) ? await unfiled(peer) : await patch(peer, data, options)
}
