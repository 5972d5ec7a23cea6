import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { blockstorePlugin, createBitswap, type Bitswap } from '@swapwright/core'
import { nodeParts } from '@swapwright/core/internal'
import { FsBlockstore, MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { libp2pNetwork } from '@swapwright/transports'
import { makeBlocks } from './util/blocks.js'
import { serverHarness } from './util/server-harness.js'
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

describe('server: a crowd wanting the same blocks shares their reads', () => {
  it('reads each block once for three peers, and keeps none once all have it', async () => {
    const blocks = await makeBlocks(4, 20_000, 602)
    // Links of 1 MB/s: a reply takes a while to send, as on a real network, so the crowd's wants overlap.
    const { peers, settle, server, store } = await serverHarness({ blocks, peers: 3, bandwidth: 1_000_000 })
    const reads = new Map<string, number>()
    // Sized without a read (as the filesystem store sizes a block from its file), so every read counted is a reply's.
    Object.assign(store, { size: async (cid: CID) => blocks.find(b => b.cid.equals(cid))?.data.byteLength })
    const get = store.get.bind(store)
    store.get = (cid, options) => {
      reads.set(cid.toString(), (reads.get(cid.toString()) ?? 0) + 1)
      return get(cid, options)
    }
    for (const p of peers) await p.want('server', blocks.map(b => ({ cid: b.cid })))
    await settle()
    for (const p of peers) assert.deepEqual((await p.blockCids()).sort(), blocks.map(b => b.cid.toString()).sort())
    for (const block of blocks) assert.equal(reads.get(block.cid.toString()), 1, `${block.cid} read once`)
    const stats = server.stats().server
    assert.ok(stats.sharedReads > 0, 'later replies used the kept bytes')
    assert.equal(stats.keptBlocks, 0, 'a block nobody wants any more is not kept')
    assert.equal(nodeParts(server).server.stats().keptBlocks, 0)
  })

  it('with sharedBlockBytes 0 keeps nothing, and every peer is still served', async () => {
    const blocks = await makeBlocks(2, 20_000, 603)
    const { peers, settle, server } = await serverHarness({ blocks, peers: 2, sharedBlockBytes: 0 })
    for (const p of peers) await p.want('server', blocks.map(b => ({ cid: b.cid })))
    await settle()
    for (const p of peers) assert.equal((await p.blockCids()).length, blocks.length)
    assert.equal(server.stats().server.sharedReads, 0)
  })

  it('lets a kept block go when the peers still wanting it leave', async () => {
    const blocks = await makeBlocks(3, 20_000, 604)
    // Replies take a while to send, so the crowd still wants the blocks when it leaves.
    const { peers: [p0, p1], server, clock } = await serverHarness({ blocks, peers: 2, bandwidth: 1_000_000 })
    await p0.want('server', blocks.map(b => ({ cid: b.cid })))
    await p1.want('server', blocks.map(b => ({ cid: b.cid })))
    await clock.advance(7)
    assert.ok(server.stats().server.keptBlocks > 0, 'a block both peers want is kept after its first read')
    await p0.network.disconnect('server')
    await p1.network.disconnect('server')
    await clock.runUntilIdle()
    assert.equal(server.stats().server.keptBlocks, 0)
  })
  it('keeps nothing for a want cancelled while its block was being read (want/cancel loops)', async () => {
    const blocks = await makeBlocks(1, 20_000, 605)
    const { peers: [p0], server, clock } = await serverHarness({ blocks, peers: 1, readDelay: 50 })
    for (let round = 0; round < 3; round++) {
      await p0.want('server', [{ cid: blocks[0].cid }])
      await clock.advance(20)
      await p0.want('server', [{ cid: blocks[0].cid, cancel: true }])
      await clock.runUntilIdle()
      assert.equal(server.stats().server.wantlistEntries, 0)
      assert.equal(server.stats().server.keptBlocks, 0, `round ${round}: a block nobody wants is not kept`)
    }
  })
})
