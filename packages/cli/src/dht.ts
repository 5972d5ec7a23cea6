import type { KadDHT, KadDHTComponents } from '@libp2p/kad-dht'

/**
 * The DHT protocol spoken unless `--public` is given: a DHT of Swapwright nodes only, made of the peers reached
 * from `--bootstrap`. Its own name keeps it apart from the public IPFS DHT and from the LAN DHT other IPFS
 * implementations run, so its records only ever name nodes its users started.
 */
export const DEFAULT_DHT_PROTOCOL = '/swapwright/kad/1.0.0'

/** The protocol of the public IPFS DHT, spoken with `--public`. */
export const PUBLIC_DHT_PROTOCOL = '/ipfs/kad/1.0.0'

/** The well-known entry points of the public IPFS DHT, dialled with `--public` (and only then). */
export const PUBLIC_BOOTSTRAP_PEERS: readonly string[] = Object.freeze([
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi8tqTY8aXNxgc9y3PMDmWS2yHDMUPXv3',
  '/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ'
])

/** How a node takes part in a DHT. */
export interface DhtSettings {
  /** The public IPFS DHT (true) or a DHT of our own joined through `bootstrap` (false). */
  public: boolean
  /** The DHT protocol name. */
  protocol: string
  /** Multiaddrs of the peers to join through, each ending in /p2p/<peer id>. */
  bootstrap: string[]
  /**
   * Answer DHT queries and store records for others, so that other nodes can join through this one. Only for
   * a DHT of our own: on the public DHT the node serves once it learns it has a public address.
   */
  server: boolean
}

export interface DhtChoice {
  bootstrap?: string[]
  public?: boolean
  protocol?: string
  server?: boolean
}

/** The DHT settings for the command-line options; the public DHT adds its well-known bootstrap peers. */
export function dhtSettings (choice: DhtChoice): DhtSettings {
  const isPublic = choice.public === true
  const bootstrap = [...(isPublic ? PUBLIC_BOOTSTRAP_PEERS : []), ...(choice.bootstrap ?? [])]
  return {
    public: isPublic,
    protocol: choice.protocol ?? (isPublic ? PUBLIC_DHT_PROTOCOL : DEFAULT_DHT_PROTOCOL),
    bootstrap,
    server: choice.server === true
  }
}

/**
 * The kad-dht service for a libp2p node with these settings. kad-dht is loaded here, on first use, not when the
 * command starts: a get from a named peer never needs it, and it is about 4 MiB of resident memory.
 */
export async function dhtService (settings: DhtSettings): Promise<(components: KadDHTComponents) => KadDHT> {
  const { kadDHT, passthroughMapper, removePrivateAddressesMapper } = await import('@libp2p/kad-dht')
  return kadDHT({
    protocol: settings.protocol,
    // Left unset on the public DHT, kad-dht turns to server mode by itself once the node has a public address.
    clientMode: settings.public ? (settings.server ? undefined : true) : !settings.server,
    // The public DHT drops private addresses: they are noise there, and dialling them probes strangers' LANs.
    // A DHT of our own keeps every address, for its peers may well be on loopback, a LAN or a VPN.
    peerInfoMapper: settings.public ? removePrivateAddressesMapper : passthroughMapper,
    // The first self-query (which fills the routing table) runs at once; lookups wait for it.
    initialQuerySelfInterval: 0,
    // The first node of a DHT of our own has nobody to wait for: its lookups end at once, and what it provides
    // stays with it, which is where the peers joining through it will look.
    allowQueryWithZeroPeers: !settings.public && settings.server && settings.bootstrap.length === 0
  })
}

/** How long `get` looks for providers on the DHT by default, in seconds. */
export const DEFAULT_FIND_TIMEOUT = 30
