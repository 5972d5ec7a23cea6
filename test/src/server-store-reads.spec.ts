import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { blockstorePlugin, createBitswap, type Bitswap } from '@swapwright/core'
import { FsBlockstore, MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { libp2pNetwork } from '@swapwright/transports'
import { makeBlocks } from './util/blocks.js'
import { createNode, dialNode, stopNodes, type TestNode } from './util/libp2p-node.js'
import type { AbortOptions } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

/** The filesystem store, counting how often each block is read whole. */
class CountingFsStore extends FsBlockstore {
  readonly reads = new Map<string, number>()

  override async * get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    this.reads.set(key.toString(), (this.reads.get(key.toString()) ?? 0) + 1)
    yield * super.get(key, options)
  }
}

describe('server: blocks on disk are read once to be sent', () => {
  const nodes: TestNode[] = []
  const bitswaps: Bitswap[] = []
  let dir = ''
  after(async () => {
    for (const node of bitswaps) await node.stop()
    await stopNodes(...nodes)
    if (dir !== '') await rm(dir, { recursive: true, force: true })
  })

  it('sizes each wanted block from its file and reads it only for the reply', async () => {
    dir = await mkdtemp(join(tmpdir(), 'swapwright-server-reads-'))
    const store = new CountingFsStore(dir)
    await store.open()
    const blocks = await makeBlocks(12, 200_000, 601)
    for (const block of blocks) await store.put(block.cid, block.data)
    const seedNode = await createNode()
    const fetcherNode = await createNode()
    nodes.push(seedNode, fetcherNode)
    const seed = createBitswap({ network: libp2pNetwork(seedNode), blockstore: blockstorePlugin(store), ...goDefaults() })
    const fetcher = createBitswap({ network: libp2pNetwork(fetcherNode), blockstore: blockstorePlugin(new MemoryBlockstore()), ...goDefaults() })
    bitswaps.push(seed, fetcher)
    await seed.start()
    await fetcher.start()
    await dialNode(fetcherNode, seedNode)

    const session = fetcher.createSession({ providers: [seedNode.peerId.toString()] })
    let received = 0
    for await (const { bytes } of session.getBlocks(blocks.map(b => b.cid), { signal: AbortSignal.timeout(30_000) })) {
      assert.equal(bytes.byteLength, 200_000)
      received++
    }
    session.close()
    assert.equal(received, blocks.length)
    assert.equal(seed.stats().server.blocksSent, blocks.length)
    for (const block of blocks) assert.equal(store.reads.get(block.cid.toString()), 1, `${block.cid} read once`)
  })
})
