import { identify } from '@libp2p/identify'
import { BITSWAP_PROTOCOLS, cidOfBlock, decodeMessage, HasherRegistry, readFrames } from '@swapwright/core'
import { createLibp2p } from 'libp2p'
import { loopbackStack } from '../util/libp2p-node.js'
import { openBitswap, wantFrame, write } from './attackers.js'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'

const hashers = new HasherRegistry()

/**
 * The peer with one want: a libp2p node that asks for one block at a time by hand and times how long the server
 * takes to send it. Every ask is a fresh want, cancelled once answered, so the next ask is a new want too.
 */
export class OneWantProbe {
  readonly node: Libp2p
  private stream: Stream | undefined
  private readonly target: Multiaddr[]
  private readonly waiting = new Map<string, () => void>()

  private constructor (node: Libp2p, target: Multiaddr[]) {
    this.node = node
    this.target = target
  }

  static async start (target: Multiaddr[]): Promise<OneWantProbe> {
    const node = await createLibp2p({ ...loopbackStack(), services: { identify: identify() } })
    const probe = new OneWantProbe(node, target)
    await node.handle([...BITSWAP_PROTOCOLS], (stream) => { void probe.read(stream) })
    return probe
  }

  /** Ms from sending a want for `cid` until its block arrived; rejects after `timeout` ms. */
  async ask (cid: CID, timeout = 30_000): Promise<number> {
    this.stream ??= await openBitswap(this.node, this.target)
    const key = cid.toString()
    const started = performance.now()
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no block for ${key} within ${timeout} ms`)) }, timeout)
      this.waiting.set(key, () => { clearTimeout(timer); resolve() })
    })
    await write(this.stream, wantFrame([cid]))
    try {
      await arrived
    } finally {
      this.waiting.delete(key)
    }
    const elapsed = performance.now() - started
    await write(this.stream, wantFrame([cid], { cancel: true }))
    return elapsed
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }

  private async read (stream: Stream): Promise<void> {
    try {
      for await (const bytes of readFrames(stream)) {
        for (const block of decodeMessage(bytes).blocks) {
          const cid = await cidOfBlock(block, hashers)
          this.waiting.get(cid.toString())?.()
        }
      }
    } catch {
      // The node stopping ends its streams; nothing to report.
    }
  }
}
