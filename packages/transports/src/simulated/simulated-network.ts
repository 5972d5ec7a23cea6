import { SeededRandom, valuePlugin, type Clock, type PeerKey, type Plugin, type BitswapNetwork, type ProtocolVersion, type RandomSource, type DecodeLimits, type DecodedMessage, type BitswapMessage } from '@swapwright/core'
import { hashString } from './distributions.js'
import { SimulatedLink } from './link.js'
import { SimulatedNodeNetwork } from './simulated-node-network.js'
import { SharingMessageDecoder } from './sharing-decoder.js'
import { SharingMessageEncoder } from './sharing-encoder.js'

// The link distributions belong with the network they configure; exported from here so the package index,
// which lists whole modules, picks them up with the network.
export * from './distributions.js'

/** One-way delay of a link in ms: a constant, or drawn once per ordered pair of peers from the seeded source. */
export type LatencyModel = number | ((from: PeerKey, to: PeerKey, random: RandomSource) => number)

/** Bytes per second of a link: a constant, or drawn once per ordered pair. */
export type BandwidthModel = number | ((from: PeerKey, to: PeerKey, random: RandomSource) => number)

/** Sees every message a node accepted: decoded, with its size on the wire. Must not change the message. */
export type DeliveryObserver = (from: PeerKey, to: PeerKey, message: DecodedMessage, bytes: number) => void

export interface SimulatedNetworkInit {
  /** Drives delivery; share one VirtualClock with every node for a deterministic run in virtual time. */
  clock: Clock
  /** Default 0 ms. */
  latency?: LatencyModel
  /**
   * Default Infinity. Each link is a token bucket filled at this rate (see `SimulatedLink`), and `send`
   * resolves when the message has left, so a busy link holds its sender back as a real stream does.
   */
  bandwidth?: BandwidthModel
  /**
   * Seconds of bandwidth a link's bucket may save up while idle. Default 0: a link sends strictly one message
   * after another at its rate, as it always did. The Go virtual network uses 1 (`GO_BURST_SECONDS`).
   */
  burstSeconds?: number
  /**
   * Seed for the link draws (default 1). Each ordered pair of peers draws from its own stream, derived from
   * the seed and the two names, so a link's latency and bandwidth do not depend on which links were used
   * first: two strategies compared on one seed run over the same network.
   */
  seed?: number
  /** Called for every message a started node accepts, after decoding (for counting what the network carries). */
  onDeliver?: DeliveryObserver
  /** Messages are split under this many bytes (default 2 MiB), as on a real stream. */
  maxOutgoingMessageSize?: number
  /** Receivers reject messages over this size (default core's `DEFAULT_MAX_INCOMING_MESSAGE_SIZE`, 4 MiB). */
  maxIncomingMessageSize?: number
  /** Receivers' decode limits (defaults of core). */
  decodeLimits?: DecodeLimits
  /**
   * Departed peers whose `stats(peer)` each node keeps (default 1024, as the libp2p network): a run may read a
   * peer's counters after it left, but a swarm with churn must not grow every node's map without end.
   */
  retainDepartedPeers?: number
}

export interface SimulatedNodeOptions {
  /** The newest protocol version this node speaks (default 1.2.0); links use the lower of the two ends. */
  version?: ProtocolVersion
}

/** Traffic over one direction of a link. */
export interface SimulatedLinkStats {
  from: PeerKey
  to: PeerKey
  latency: number
  /** Bytes per second (Infinity: no limit). */
  bandwidth: number
  messages: number
  bytes: number
  dropped: number
}

/**
 * Many Bitswap nodes in one process. Messages are really encoded and decoded (so byte counts are the wire's),
 * delivered in order per link after the link's latency, on the shared clock: with a VirtualClock a whole
 * network runs deterministically for a seed and never waits in real time.
 */
export class SimulatedNetwork {
  readonly clock: Clock
  readonly init: Readonly<SimulatedNetworkInit>
  private readonly nodes = new Map<PeerKey, SimulatedNodeNetwork>()
  private readonly links = new Map<string, SimulatedLink>()
  private readonly seed: number
  private scheduled = 0
  private readonly decoder: SharingMessageDecoder
  private readonly encoder = new SharingMessageEncoder()

  constructor (init: SimulatedNetworkInit) {
    const retain = init.retainDepartedPeers
    if (retain != null && !(Number.isSafeInteger(retain) && retain >= 0)) {
      throw new RangeError(`retainDepartedPeers must be a whole number >= 0, got ${retain}`)
    }
    this.init = init
    this.clock = init.clock
    this.seed = init.seed ?? 1
    this.decoder = new SharingMessageDecoder(init.decodeLimits)
  }

  /**
   * A received message's bytes, decoded with the receivers' limits; equal bytes decoded lately give the same
   * frozen message (see `SharingMessageDecoder`), so a broadcast is not decoded once per peer.
   */
  decode (bytes: Uint8Array): DecodedMessage {
    return this.decoder.decode(bytes)
  }

  /**
   * A message's bytes for a peer of `version`, split under `maxOutgoingMessageSize`; a block-free message equal to
   * one encoded lately gets the same bytes (see `SharingMessageEncoder`).
   */
  encode (message: BitswapMessage, version: ProtocolVersion): Uint8Array[] {
    return this.encoder.encode(message, version, this.init.maxOutgoingMessageSize)
  }

  /** Encodings saved by sharing the bytes of equal messages. */
  get sharedEncodes (): number {
    return this.encoder.reused
  }

  /** Decodes saved by sharing a decoded message between receivers of equal bytes. */
  get sharedDecodes (): number {
    return this.decoder.reused
  }

  /** Messages on their way: sent, and neither delivered nor dropped yet. */
  get inFlight (): number {
    return this.scheduled
  }

  /** The network of one node; creating the same peer twice is an error. */
  node (peer: PeerKey, options: SimulatedNodeOptions = {}): SimulatedNodeNetwork {
    if (this.nodes.has(peer)) throw new Error(`Simulated peer "${peer}" already exists`)
    const node = new SimulatedNodeNetwork(this, peer, options.version ?? '1.2.0')
    this.nodes.set(peer, node)
    return node
  }

  /** A node's network as a plugin for `createBitswap({ network })`. */
  plugin (peer: PeerKey, options?: SimulatedNodeOptions): Plugin<BitswapNetwork> {
    return valuePlugin(`simulated-network(${peer})`, this.node(peer, options))
  }

  peer (peer: PeerKey): SimulatedNodeNetwork | undefined {
    return this.nodes.get(peer)
  }

  peers (): PeerKey[] {
    return [...this.nodes.keys()]
  }

  /**
   * Connects every started node to every other one, in a fixed order (each pair once, by creation order), or
   * only the pairs `pair` accepts: a simulation can leave out pairs that will never exchange a message, whose
   * set-up is most of the cost of a large swarm and changes nothing else.
   */
  async connectAll (pair: (a: PeerKey, b: PeerKey) => boolean = () => true): Promise<void> {
    const nodes = [...this.nodes.values()].filter(node => node.isStarted)
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        if (pair(nodes[i].self, nodes[j].self)) await nodes[i].connect(nodes[j].self)
      }
    }
  }

  /** The link from one peer to another, created (and its latency drawn) on first use. */
  link (from: PeerKey, to: PeerKey): SimulatedLink {
    const key = `${from}\u0000${to}`
    let link = this.links.get(key)
    if (link == null) {
      const random = new SeededRandom(hashString(key, hashString(String(this.seed))))
      const latency = this.draw(this.init.latency ?? 0, from, to, random)
      if (!Number.isFinite(latency) || latency < 0) throw new RangeError(`Latency from ${from} to ${to} must be >= 0, got ${latency}`)
      const bandwidth = this.draw(this.init.bandwidth ?? Infinity, from, to, random)
      if (Number.isNaN(bandwidth) || bandwidth <= 0) throw new RangeError(`Bandwidth from ${from} to ${to} must be > 0, got ${bandwidth}`)
      link = new SimulatedLink(latency, bandwidth, this.init.burstSeconds ?? 0, this.clock.now())
      this.links.set(key, link)
    }
    return link
  }

  private draw (model: number | ((from: PeerKey, to: PeerKey, random: RandomSource) => number), from: PeerKey, to: PeerKey, random: RandomSource): number {
    return typeof model === 'number' ? model : model(from, to, random)
  }

  /** Called by a sending node for each message it puts on a link. */
  messageScheduled (): void {
    this.scheduled++
  }

  /** Called when a scheduled message reached its receiver or was dropped. */
  messageSettled (): void {
    this.scheduled--
  }

  /** Called by a receiving node for each message it accepted. */
  delivered (from: PeerKey, to: PeerKey, message: DecodedMessage, bytes: number): void {
    this.init.onDeliver?.(from, to, message, bytes)
  }

  linkStats (): SimulatedLinkStats[] {
    return [...this.links.entries()].map(([key, link]) => {
      const [from, to] = key.split('\u0000')
      return { from, to, latency: link.latency, bandwidth: link.bandwidth, messages: link.messages, bytes: link.bytes, dropped: link.dropped }
    })
  }

  /** Messages and bytes over every link. */
  totals (): { messages: number, bytes: number, dropped: number } {
    let messages = 0
    let bytes = 0
    let dropped = 0
    for (const link of this.links.values()) {
      messages += link.messages
      bytes += link.bytes
      dropped += link.dropped
    }
    return { messages, bytes, dropped }
  }
}

export function simulatedNetwork (init: SimulatedNetworkInit): SimulatedNetwork {
  return new SimulatedNetwork(init)
}
