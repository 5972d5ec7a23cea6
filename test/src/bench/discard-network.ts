import { valuePlugin, type BitswapMessage, type BitswapNetwork, type LinkStats, type PeerKey, type Plugin, type ProtocolVersion } from '@swapwright/core'

/**
 * A network that accepts every message and drops it: lets a benchmark measure a node's own work without the cost
 * of encoding and delivery.
 */
export class DiscardNetwork implements BitswapNetwork {
  readonly name = 'discard-network'
  readonly self: PeerKey
  messages = 0
  blocks = 0

  constructor (self: PeerKey) {
    this.self = self
  }

  async start (): Promise<void> {}
  async stop (): Promise<void> {}
  async send (_peer: PeerKey, message: BitswapMessage): Promise<void> {
    this.messages++
    this.blocks += message.blocks.length
  }

  async connect (): Promise<ProtocolVersion> { return '1.2.0' }
  async disconnect (): Promise<void> {}
  version (): ProtocolVersion { return '1.2.0' }
  connectedPeers (): PeerKey[] { return [] }
  latency (): number | undefined { return undefined }
  stats (): LinkStats | undefined { return undefined }

  plugin (): Plugin<BitswapNetwork> {
    return valuePlugin('discard-network', this)
  }
}
