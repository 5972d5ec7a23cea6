import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import { errorMessage, PeerUnreachableError, type PeerKey } from '@swapwright/core'

const log = logger('swapwright:transports:libp2p')

/** A PeerKey as a libp2p PeerId; a string that is not one makes the peer unreachable. */
export function parsePeer (peer: PeerKey): PeerId {
  try {
    return peerIdFromString(peer)
  } catch (err) {
    throw new PeerUnreachableError(peer, `not a peer id (${errorMessage(err)})`)
  }
}

/** A provider record's addresses as multiaddrs that name the peer, so libp2p checks who answers. */
export function dialableAddresses (peer: PeerKey, addresses: readonly string[]): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const address of addresses) {
    try {
      const ma = multiaddr(address)
      const named = ma.getComponents().some(component => component.name === 'p2p')
      out.push(named ? ma : ma.encapsulate(`/p2p/${peer}`))
    } catch {
      log('ignoring a malformed address of %s: %s', peer, address)
    }
  }
  return out
}
