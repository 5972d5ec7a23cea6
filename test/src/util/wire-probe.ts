import { decodePrefix, frame, IDENTITY_CODE, readFrames, WireMessage } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { createNode, within, type TestNode } from './libp2p-node.js'
import type { PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** What a server answered for one CID, in kind: the block, a HAVE, a DONT_HAVE. */
export type AnswerKind = 'block' | 'have' | 'dont-have'

/** One want as it goes on the wire; fields a 1.0.0 or 1.1.0 peer would not send are simply left out. */
export interface ProbeWant {
  cid: CID
  priority?: number
  cancel?: boolean
  wantType?: 'block' | 'have'
  sendDontHave?: boolean
}

export interface ProbeReply {
  /**
   * Every block of the reply by its multihash (hex: how blocks are told apart, whatever CID a server answers
   * with) and the field it came in: 1.0.0's bare `blocks` or 1.1.0's `payload`.
   */
  blocks: Array<{ key: string, field: 'blocks' | 'payload' }>
  presences: Array<{ cid: CID, type: 'have' | 'dont-have' }>
  pendingBytes: number
}

/**
 * A libp2p peer that writes Bitswap messages by hand, field by field, to one server over one stream of the
 * protocol it was made for, and records every reply the server sends back. It handles only that protocol, so
 * the server can answer only in that version's form.
 */
export class WireProbe {
  readonly node: TestNode
  readonly protocol: string
  readonly replies: ProbeReply[] = []
  /** Every wantlist entry the other side sent this probe, in order (what a client asked the probe for). */
  readonly wantsReceived: Array<{ cid: CID, cancel: boolean }> = []
  private stream: Stream | undefined
  private listeners: Array<() => void> = []

  private constructor (node: TestNode, protocol: string) {
    this.node = node
    this.protocol = protocol
  }

  static async start (protocol: string): Promise<WireProbe> {
    const probe = new WireProbe(await createNode(), protocol)
    await probe.node.handle(protocol, (stream) => {
      void (async () => {
        for await (const bytes of readFrames(stream)) {
          const pb = WireMessage.decode(bytes)
          for (const entry of pb.wantlist?.entries ?? []) probe.wantsReceived.push({ cid: CID.decode(entry.block), cancel: entry.cancel })
          const blocks = await Promise.all([
            ...pb.payload.map(async block => ({ key: await blockKey(block.prefix, block.data), field: 'payload' as const })),
            ...pb.blocks.map(async data => ({ key: await blockKey(undefined, data), field: 'blocks' as const }))
          ])
          probe.replies.push({
            blocks,
            presences: pb.blockPresences.map(p => ({ cid: CID.decode(p.cid), type: p.type === WireMessage.BlockPresenceType.DontHave ? 'dont-have' : 'have' })),
            pendingBytes: pb.pendingBytes
          })
          for (const wake of probe.listeners.splice(0)) wake()
        }
      })().catch(() => {})
    })
    return probe
  }

  /** Connects to the server and opens the stream every message of this probe goes on. */
  async connect (peer: PeerId, addresses: Multiaddr[]): Promise<void> {
    await this.node.dial(addresses)
    this.stream = await this.node.dialProtocol(peer, this.protocol)
  }

  /** Sends one wantlist message with exactly these entries. */
  send (entries: ProbeWant[], full = false): void {
    if (this.stream == null) throw new Error('connect first')
    this.stream.send(frame(WireMessage.encode({
      wantlist: {
        full,
        entries: entries.map(e => ({
          block: e.cid.bytes as Uint8Array<ArrayBuffer>,
          priority: e.priority ?? 1,
          cancel: e.cancel ?? false,
          wantType: e.wantType === 'have' ? WireMessage.WantType.Have : WireMessage.WantType.Block,
          sendDontHave: e.sendDontHave ?? false
        }))
      },
      blocks: [],
      payload: [],
      blockPresences: []
    })))
  }

  /** Resolves once `condition` holds over the replies so far; a server that never answers fails as `within` says. */
  async until (condition: () => boolean): Promise<void> {
    await within((async () => {
      while (!condition()) await new Promise<void>(resolve => { this.listeners.push(resolve) })
    })(), 'the replies the probe awaits')
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }
}

/** The key a CID's block is recorded under: its multihash, whatever CID version or codec a server answers with. */
export function cidKey (cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString('hex')
}

/** The key of a block as it came: 1.0.0 blocks (no prefix) are sha2-256; 1.1.0+ blocks hash as their prefix says. */
async function blockKey (prefix: Uint8Array | undefined, data: Uint8Array): Promise<string> {
  const code = prefix == null ? sha256.code : decodePrefix(prefix).multihashCode
  if (code === IDENTITY_CODE) return Buffer.from(identity.digest(data).bytes).toString('hex')
  if (code !== sha256.code) return `unhashed:${code}`
  return Buffer.from((await sha256.digest(data)).bytes).toString('hex')
}
