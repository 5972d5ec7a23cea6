import { identify, type Identify } from '@libp2p/identify'
import { kadDHT, removePublicAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { createLibp2p } from 'libp2p'
import { loopbackStack } from './libp2p-node.js'
import type { Libp2p } from '@libp2p/interface'

export type DhtNode = Libp2p<{ identify: Identify, ping: Ping, dht: KadDHT }>

/** The DHT protocol of the test network: its own name, so these nodes could never join a real DHT. */
export const TEST_DHT_PROTOCOL = '/swapwright/test/kad/1.0.0'

export interface DhtNodeInit {
  /** Query the DHT without serving it (default false: a server). */
  clientMode?: boolean
  /**
   * Skip the self-query, which asks the network for the peers closest to this node and so connects it to most
   * of a small DHT. Without it the node meets other peers only through the lookups it runs itself.
   */
  quiet?: boolean
}

/**
 * A libp2p node on 127.0.0.1 running a Kademlia DHT among test nodes only. Peers are kept by their private
 * addresses (the public-DHT default drops them, and with them every peer on loopback). In client mode the node
 * queries the DHT but does not serve it, so no other node stores records on it or lists it as a closer peer.
 */
export async function createDhtNode (init: DhtNodeInit = {}): Promise<DhtNode> {
  return createLibp2p({
    ...loopbackStack(),
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: TEST_DHT_PROTOCOL,
        clientMode: init.clientMode ?? false,
        peerInfoMapper: removePublicAddressesMapper,
        ...(init.quiet === true
          // Lookups normally wait for the first self-query; with none coming they must not.
          ? { initialQuerySelfInterval: 3_600_000, querySelfInterval: 3_600_000, allowQueryWithZeroPeers: true }
          // The first self-query runs at once instead of after a second; lookups wait for it.
          : { initialQuerySelfInterval: 0 })
      })
    }
  })
}
