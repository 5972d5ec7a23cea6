import { SeededRandom, valuePlugin, Tokens, type Clock, type PeerKey, type Plugin, type BitswapNetwork, type ProtocolVersion, type RandomSource, type DecodeLimits } from '@swapwright/core'
import { SimulatedLink } from './link.js'
import { SimulatedNodeNetwork } from './simulated-node-network.js'

/** One-way delay of a link in ms: a constant, or drawn once per ordered pair of peers from the seeded source. */
export type LatencyModel = number | ((from: PeerKey, to: PeerKey, random: RandomSource) => number)

/** Bytes per second of a link: a constant, or drawn once per ordered pair. */
export type BandwidthModel = number | ((from: PeerKey, to: PeerKey, random: RandomSource) => number)

export interface SimulatedNetworkInit {
  /** Drives delivery; share one VirtualClock with every node for a deterministic run in virtual time. */
  clock: Clock
  /** Default 0 ms. */
  latency?: LatencyModel
  /**
   * Default Infinity. A link sends one message after another at this rate, and `send` resolves when the
   * message has left, so a busy link holds its sender back as a real stream does.
   */
  bandwidth?: BandwidthModel
  /** Seed for latency draws (default 1). */
  seed?: number
  /** Messages are split under this many bytes (default 2 MiB), as on a real stream. */
  maxOutgoingMessageSize?: number
  /** Receivers reject messages over this size (default 4 MiB). */
  maxIncomingMessageSize?: number
  /** Receivers' decode limits (defaults of core). */
  decodeLimits?: DecodeLimits
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
  private readonly random: SeededRandom

  constructor (init: SimulatedNetworkInit) {
    this.init = init
    this.clock = init.clock
    this.random = new SeededRandom(init.seed ?? 1)
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
    return valuePlugin(`simulated-network(${peer})`, Tokens.Network, this.node(peer, options))
  }

  peer (peer: PeerKey): SimulatedNodeNetwork | undefined {
    return this.nodes.get(peer)
  }

  peers (): PeerKey[] {
    return [...this.nodes.keys()]
  }

  /** Connects every started node to every other one. */
  async connectAll (): Promise<void> {
    const nodes = [...this.nodes.values()].filter(node => node.isStarted)
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) await nodes[i].connect(nodes[j].self)
    }
  }

  /** The link from one peer to another, created (and its latency drawn) on first use. */
  link (from: PeerKey, to: PeerKey): SimulatedLink {
    const key = `${from}\u0000${to}`
    let link = this.links.get(key)
    if (link == null) {
      const latency = this.draw(this.init.latency ?? 0, from, to)
      if (!Number.isFinite(latency) || latency < 0) throw new RangeError(`Latency from ${from} to ${to} must be >= 0, got ${latency}`)
      const bandwidth = this.draw(this.init.bandwidth ?? Infinity, from, to)
      if (Number.isNaN(bandwidth) || bandwidth <= 0) throw new RangeError(`Bandwidth from ${from} to ${to} must be > 0, got ${bandwidth}`)
      link = new SimulatedLink(latency, bandwidth)
      this.links.set(key, link)
    }
    return link
  }

  private draw (model: number | ((from: PeerKey, to: PeerKey, random: RandomSource) => number), from: PeerKey, to: PeerKey): number {
    return typeof model === 'number' ? model : model(from, to, this.random)
  }

  linkStats (): SimulatedLinkStats[] {
    return [...this.links.entries()].map(([key, link]) => {
      const [from, to] = key.split('\u0000')
      return { from, to, latency: link.latency, messages: link.messages, bytes: link.bytes, dropped: link.dropped }
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
