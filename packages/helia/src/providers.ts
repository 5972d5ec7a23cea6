import { peerIdFromCID, peerIdFromString } from '@libp2p/peer-id'
import { isMultiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { errorMessage } from '@swapwright/core'
import { InvalidProviderError } from './errors.js'
import { connectProgress, connectedProgress, type OnProgress } from './progress.js'
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface'
import type { BitswapNetwork, PeerKey } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

/** A provider as Helia names one: a peer id as a CID, or addresses to dial. */
export type HeliaProvider = CID | Multiaddr | Multiaddr[]

export interface ReachOptions extends AbortOptions {
  onProgress?: OnProgress
  /** The block the provider is reached for, named in Helia's `helia:block-broker:connect*` events. */
  cid?: CID
}

/**
 * Connects to a provider Helia names and opens Bitswap to it; resolves to its peer key. Addresses are dialled
 * as given (they need not carry `/p2p/`); a peer CID is dialled by what the peer store knows of it.
 */
export async function reachProvider (
  libp2p: Libp2p, network: BitswapNetwork, provider: HeliaProvider, options: ReachOptions = {}
): Promise<PeerKey> {
  const addresses = Array.isArray(provider) ? provider : isMultiaddr(provider) ? [provider] : undefined
  const known = addresses == null ? peerOf(provider as CID) : addressedPeer(addresses)
  if (known != null) connectProgress(options.onProgress, known.toCID(), options.cid)
  const connection = await libp2p.dial(addresses ?? known as PeerId, options)
  const peer = connection.remotePeer
  await network.connect(peer.toString(), options)
  connectedProgress(options.onProgress, peer.toCID(), connection.remoteAddr, options.cid)
  return peer.toString()
}

function peerOf (cid: CID): PeerId {
  try {
    return peerIdFromCID(cid)
  } catch (err) {
    throw new InvalidProviderError(`Provider ${String(cid)} is not a peer id: ${errorMessage(err)}`)
  }
}

/** The peer named by the first address that carries `/p2p/<id>`, if any does. */
function addressedPeer (addresses: Multiaddr[]): PeerId | undefined {
  if (addresses.length === 0) throw new InvalidProviderError('A provider was given as an empty list of addresses')
  for (const address of addresses) {
    const id = address.getComponents().find(component => component.name === 'p2p')?.value
    if (id != null) return peerIdFromString(id)
  }
  return undefined
}
