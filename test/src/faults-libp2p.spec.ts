import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  decodeMessage, encodeMessage, encodePrefixOf, factoryPlugin, frame, MalformedMessageError, MessageTooLargeError,
  ProtocolViolationError, readFrames, type AbortOptions, type BitswapConfig, type BitswapMessage, type PeerKey,
  type Plugin
} from '@swapwright/core'
import { nodeParts } from '@swapwright/core/internal'
import { Libp2pBitswapNetwork } from '@swapwright/transports'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { addressesOf, closed, createNode, stopNodes, until } from './util/libp2p-node.js'
import { sameBytes, startSwapwright, type SwapwrightPeer } from './util/swapwright-node.js'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { MemoryBlockstore } from '@swapwright/stores'
import type { CID } from 'multiformats/cid'
import { varint } from './util/varint.js'

const FETCH_TIMEOUT = 30_000

/**
 * The libp2p network with a gate on what the server sends: a message carrying one of the held-back blocks waits
 * until the test opens the gate. That is a seed that has served part of a transfer and is still working on the
 * rest, for exactly as long as the test needs, with no timing involved.
 */
class GatedNetwork extends Libp2pBitswapNetwork {
  /** The first bytes of each held-back block: enough to recognise random blocks by. */
  private readonly held: Set<string>
  private readonly opened: Promise<void>
  open: () => void = () => {}

  constructor (libp2p: Libp2p, held: TestBlock[], config?: Readonly<BitswapConfig>) {
    super(libp2p, {}, config)
    this.held = new Set(held.map(block => fingerprint(block.data)))
    this.opened = new Promise(resolve => { this.open = resolve })
  }

  override async send (peer: PeerKey, message: BitswapMessage, options?: AbortOptions): Promise<void> {
    if (message.blocks.some(block => this.held.has(fingerprint(block.data)))) await this.opened
    await super.send(peer, message, options)
  }

  static plugin (held: TestBlock[]): (libp2p: Libp2p) => Plugin<GatedNetwork> {
    return libp2p => factoryPlugin('gated-libp2p-network', components => new GatedNetwork(libp2p, held, components.config))
  }
}

function fingerprint (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(32, bytes.byteLength)).toString('hex')
}

async function swapwright (t: TestContext, init: Parameters<typeof startSwapwright>[0] = {}): Promise<SwapwrightPeer> {
  const peer = await startSwapwright(init)
  t.after(async () => { await peer.stop() })
  return peer
}

/** Ends a libp2p node the way a crash does: every connection reset at once, then the node gone. */
async function kill (node: Libp2p): Promise<void> {
  for (const connection of node.getConnections()) connection.abort(new Error('killed by the test'))
  await node.stop()
}

async function stored (store: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(cid)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

describe('faults over real libp2p on 127.0.0.1', { timeout: 90_000 }, () => {
  it('a seed killed in the middle of a transfer: the fetch completes from the other seed, byte-exact', async (t) => {
    const blocks = await makeBlocks(48, 128 * 1024, 500)
    // Each seed serves the first 12 blocks at once and holds back the rest until the test says so.
    const seeds = await Promise.all([0, 1].map(async () => swapwright(t, { blocks, network: GatedNetwork.plugin(blocks.slice(12)) })))
    const fetcher = await swapwright(t)
    for (const seed of seeds) await fetcher.network.connect({ peer: seed.key, addresses: addressesOf(seed.libp2p) })

    const before = new Map<PeerKey, number>()
    const after = new Map<PeerKey, number>()
    let victim: SwapwrightPeer | undefined
    fetcher.node.addEventListener('block:received', (event) => {
      const tally = victim == null ? before : after
      tally.set(event.detail.peer, (tally.get(event.detail.peer) ?? 0) + 1)
    })

    const signal = AbortSignal.timeout(FETCH_TIMEOUT)
    const session = fetcher.node.createSession({ providers: seeds.map(s => s.key), signal })
    const got = new Map<string, Uint8Array>()
    try {
      for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid), { signal })) {
        got.set(cid.toString(), bytes)
        // Only the 12 free blocks can arrive before the gates open: both seeds are now busy with the rest, and
        // nothing of the victim's is still on its way (the kill lands between its messages, not inside one).
        if (got.size === 12) {
          // Kill the seed holding most of our outstanding wants, then let the other one go on.
          const pending = (seed: SwapwrightPeer): number => nodeParts(seed.node).server.wantlist(fetcher.key).length
          victim = [...seeds].sort((a, b) => pending(b) - pending(a))[0]
          assert.ok(pending(victim) > 0, 'the seed to be killed holds wants of ours')
          await kill(victim.libp2p)
          for (const seed of seeds) (seed.network as GatedNetwork).open()
        }
      }
    } finally {
      session.close()
    }

    assert.equal(got.size, blocks.length)
    for (const block of blocks) assert.ok(sameBytes(got.get(block.cid.toString()), block.data), `block ${block.cid.toString()} is byte-exact`)
    const survivor = seeds.find(s => s !== victim) as SwapwrightPeer
    assert.equal(after.get(victim?.key ?? '') ?? 0, 0, 'nothing came from the killed seed afterwards')
    assert.equal(after.get(survivor.key), blocks.length - 12, 'the held-back blocks came from the survivor')
    assert.deepEqual(fetcher.network.connectedPeers(), [survivor.key], 'the killed seed is gone from the node')
    assert.equal(fetcher.node.stats().client.wantlistSize, 0, 'nothing is left wanted')
  })

  it('a peer that sends garbage and forged blocks is reset and counted while the honest seed serves the fetch', async (t) => {
    const blocks = await makeBlocks(24, 64 * 1024, 510)
    const seed = await swapwright(t, { blocks })
    const fetcher = await swapwright(t)
    const rogue = await createNode()
    t.after(async () => { await stopNodes(rogue) })
    const rogueKey = rogue.peerId.toString()

    // The rogue speaks Bitswap 1.2.0 as far as identify can tell. To the first wants it gets it answers with
    // three broken replies, each on a new stream: forged blocks, a malformed body, an oversized length prefix.
    const replies: Array<{ kind: 'forged' | 'malformed' | 'oversized', stream: Stream }> = []
    let answered = false
    const misbehave = async (wanted: CID[]): Promise<void> => {
      const open = async (kind: typeof replies[number]['kind']): Promise<Stream> => {
        const stream = await rogue.dialProtocol(fetcher.libp2p.peerId, '/ipfs/bitswap/1.2.0')
        replies.push({ kind, stream })
        return stream
      }
      // The prefixes of blocks we were asked for, with bytes that do not hash to them.
      const forged = await makeBlocks(wanted.length, 1000, 511)
      const honestLooking = await open('forged')
      honestLooking.send(frame(encodeMessage({
        blocks: wanted.map((cid, i) => ({ prefix: encodePrefixOf(cid), data: forged[i].data })),
        presences: [],
        pendingBytes: 0
      })))
      await honestLooking.close()
      // Field 1 claims 127 bytes, and 2 follow: not a Bitswap message.
      ;(await open('malformed')).send(frame(Uint8Array.from([0x0a, 0x7f, 0x00, 0x00])))
      ;(await open('oversized')).send(varint(64 * 1024 * 1024))
    }
    await rogue.handle('/ipfs/bitswap/1.2.0', (stream) => {
      void (async () => {
        for await (const bytes of readFrames(stream)) {
          const wanted = (decodeMessage(bytes).wantlist?.entries ?? []).filter(e => !e.cancel).map(e => e.cid)
          if (wanted.length > 0 && !answered) {
            answered = true
            await misbehave(wanted)
          }
        }
      })().catch(() => {})
    })

    const errors: Array<{ peer: PeerKey, error: Error }> = []
    fetcher.node.addEventListener('peer:protocol-error', (event) => {
      errors.push({ peer: event.detail.peer, error: event.detail.error })
    })
    await fetcher.network.connect({ peer: rogueKey, addresses: addressesOf(rogue) })
    await fetcher.network.connect({ peer: seed.key, addresses: addressesOf(seed.libp2p) })

    const signal = AbortSignal.timeout(FETCH_TIMEOUT)
    const session = fetcher.node.createSession({ providers: [rogueKey, seed.key], signal })
    const got = new Map<string, Uint8Array>()
    try {
      for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid), { signal })) got.set(cid.toString(), bytes)
    } finally {
      session.close()
    }
    assert.equal(got.size, blocks.length)
    for (const block of blocks) {
      assert.ok(sameBytes(got.get(block.cid.toString()), block.data), `block ${block.cid.toString()} is byte-exact`)
      assert.ok(sameBytes(await stored(fetcher.store, block.cid), block.data), 'and stored intact')
    }

    // The rogue's replies may still be on their way: wait until all three have landed.
    await until(() => replies.length === 3 && errors.length >= 2 && fetcher.node.stats().client.unwantedBlocks > 0)
    for (const { kind, stream } of replies.filter(r => r.kind !== 'forged')) {
      await closed(stream)
      assert.equal(stream.status, 'reset', `the ${kind} stream was reset`)
    }
    assert.equal(errors.length, 2)
    assert.ok(errors.every(e => e.peer === rogueKey && e.error instanceof ProtocolViolationError), 'both from the rogue, both violations')
    assert.ok(errors.some(e => e.error instanceof MalformedMessageError) && errors.some(e => e.error instanceof MessageTooLargeError))
    const stats = fetcher.node.stats()
    assert.equal(stats.protocolErrors, 2)
    assert.equal(fetcher.network.stats(rogueKey)?.protocolErrors, 2)
    assert.equal(fetcher.network.stats(seed.key)?.protocolErrors, 0)
    assert.ok(stats.client.unwantedBlocks >= 1, 'forged blocks were dropped and counted')
    assert.ok(fetcher.network.connectedPeers().includes(seed.key), 'the honest seed is still connected')
  })
})
