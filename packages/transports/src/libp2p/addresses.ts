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

/** IPv4 and IPv6 prefixes of loopback, private (RFC 1918, unique local) and link-local addresses. */
const LOCAL_V4 = [/^127\./, /^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./]
const LOCAL_V6 = [/^::1$/, /^f[cd][0-9a-f]{2}:/i, /^fe[89ab][0-9a-f]:/i]

/** True for a loopback, private or link-local IP address (a DNS name or anything else is not local). */
export function isLocalAddress (host: string): boolean {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)?.[1] ?? host
  return LOCAL_V4.some(prefix => prefix.test(v4)) || LOCAL_V6.some(prefix => prefix.test(host))
}
