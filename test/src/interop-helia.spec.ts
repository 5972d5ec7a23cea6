import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { exporter } from 'ipfs-unixfs-exporter'
import type { ImporterOptions } from 'ipfs-unixfs-importer'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { collect, importFile, sessionStore } from './util/unixfs.js'
import { createHeliaNode, heliaGet, type HeliaNode } from './util/helia-node.js'
import { addressesOf, closed, streamsTo } from './util/libp2p-node.js'
import { sameBytes, startSwapwright, type SwapwrightPeer } from './util/swapwright-node.js'

/** Every fetch gets this long before it fails the test instead of hanging it. */
const FETCH_TIMEOUT = 30_000
const MiB = 1024 * 1024

/** Real dag-pb nodes (opaque data, no links) under CIDv0 or CIDv1. */
async function makeDagPbBlocks (count: number, size: number, seed: number, version: 0 | 1): Promise<TestBlock[]> {
  const payloads = await makeBlocks(count, size, seed)
  return Promise.all(payloads.map(async ({ data: payload }) => {
    const data = dagPb.encode(dagPb.prepare({ Data: payload }))
    const digest = await sha256.digest(data)
    return { cid: version === 0 ? CID.createV0(digest) : CID.createV1(dagPb.code, digest), data }
  }))
}

/** Raw blocks from one byte to a quarter MiB, so small and multi-frame blocks share messages. */
async function makeMixedRawBlocks (): Promise<TestBlock[]> {
  const sizes = [1, 37, 1000, 4096, 16 * 1024, 100_000, 256 * 1024]
  const sets = await Promise.all(sizes.map(async (size, i) => makeBlocks(4, size, 300 + i)))
  return sets.flat()
}

/** The test cases of single blocks, shared by both directions. */
const blockCases: Array<{ name: string, make: () => Promise<TestBlock[]> }> = [
  { name: 'raw blocks of 1 B to 256 KiB', make: makeMixedRawBlocks },
  { name: 'dag-pb blocks under CIDv0', make: async () => makeDagPbBlocks(12, 20_000, 310, 0) },
  { name: 'dag-pb blocks under CIDv1', make: async () => makeDagPbBlocks(12, 20_000, 311, 1) },
  { name: '1 MiB blocks', make: async () => makeBlocks(4, MiB, 312) },
  // The payload is as large as a block gets on the wire: 2 MiB less room for the prefix and the framing.
  { name: 'one block of nearly 2 MiB', make: async () => makeBlocks(1, 2 * MiB - 300, 313) }
]

/** The two UnixFS layouts a 10 MiB file is imported with. */
const fileProfiles: Array<{ name: string, options: ImporterOptions }> = [
  { name: 'CIDv1 with raw leaves', options: {} },
  { name: 'CIDv0 with dag-pb leaves', options: { profile: 'unixfs-v0-2015' } }
]

/** A reproducible 10 MiB file: distinct 256 KiB chunks, so no two leaves are the same block. */
async function makeFile (seed: number): Promise<Uint8Array> {
  const chunks = await makeBlocks(40, 256 * 1024, seed)
  return Buffer.concat(chunks.map(chunk => chunk.data))
}

async function helia (t: TestContext): Promise<HeliaNode> {
  const node = await createHeliaNode()
  t.after(async () => { await node.stop() })
  return node
}

async function swapwright (t: TestContext, blocks: TestBlock[] = []): Promise<SwapwrightPeer> {
  const peer = await startSwapwright({ blocks })
  t.after(async () => { await peer.stop() })
  return peer
}

function assertSameBlocks (got: Map<string, Uint8Array>, blocks: TestBlock[]): void {
  assert.equal(got.size, blocks.length)
  for (const block of blocks) {
    assert.ok(sameBytes(got.get(block.cid.toString()), block.data), `block ${block.cid.toString()} is byte-exact`)
  }
}

describe('interop: Helia fetches from Swapwright over TCP on 127.0.0.1', { timeout: 120_000 }, () => {
  for (const { name, make } of blockCases) {
    it(name, async (t) => {
      const blocks = await make()
      // The fetcher first, in both directions, so it is also stopped first: the other way round, the second node
      // takes about half a second longer to stop.
      const fetcher = await helia(t)
      const seed = await swapwright(t, blocks)
      await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())

      const signal = AbortSignal.timeout(FETCH_TIMEOUT)
      const fetched = await Promise.all(blocks.map(async block => heliaGet(fetcher, block.cid, { signal })))
      assertSameBlocks(new Map(blocks.map((block, i) => [block.cid.toString(), fetched[i]])), blocks)
      const server = seed.node.stats().server
      assert.ok(server.blocksSent >= blocks.length, `the Swapwright server sent every block (${server.blocksSent})`)
      assert.equal(seed.network.stats(fetcher.libp2p.peerId.toString())?.protocolErrors, 0)
    })
  }

  for (const { name, options } of fileProfiles) {
    it(`a 10 MiB UnixFS file (${name}), every block of the DAG, through a Helia session`, async (t) => {
      const bytes = await makeFile(320)
      const fetcher = await helia(t)
      const seed = await swapwright(t)
      const { root, cids } = await importFile(bytes, options, async (cid, data) => seed.store.put(cid, data))
      assert.ok(cids.length > 40, 'the DAG has a root and 40 leaves')

      const signal = AbortSignal.timeout(FETCH_TIMEOUT)
      const session = fetcher.blockstore.createSession(root, { providers: seed.libp2p.getMultiaddrs(), signal })
      const entry = await exporter(root, session, { signal })
      assert.equal(entry.type, 'file')
      const content = await collect(entry.content({ signal }))
      assert.ok(sameBytes(content, bytes), 'the file is byte-exact')
      for (const cid of cids) assert.equal(await fetcher.blockstore.has(cid), true, `Helia stored block ${cid.toString()}`)
    })
  }
})

describe('interop: Swapwright fetches from Helia over TCP on 127.0.0.1', { timeout: 120_000 }, () => {
  /** A Helia node holding `blocks` and a Swapwright node connected to it. */
  async function pair (t: TestContext, blocks: TestBlock[] = []): Promise<{ seed: HeliaNode, fetcher: SwapwrightPeer, seedKey: string }> {
    // The fetcher first, so it is also stopped first (see above).
    const fetcher = await swapwright(t)
    const seed = await helia(t)
    for (const block of blocks) await seed.blockstore.put(block.cid, block.data)
    const seedKey = seed.libp2p.peerId.toString()
    assert.equal(await fetcher.network.connect({ peer: seedKey, addresses: addressesOf(seed.libp2p) }), '1.2.0')
    return { seed, fetcher, seedKey }
  }

  for (const { name, make } of blockCases) {
    it(`${name}, through a session`, async (t) => {
      const blocks = await make()
      const { fetcher, seedKey } = await pair(t, blocks)
      const signal = AbortSignal.timeout(FETCH_TIMEOUT)
      const session = fetcher.node.createSession({ providers: [seedKey], signal })
      const got = new Map<string, Uint8Array>()
      try {
        for await (const { cid, bytes } of session.getBlocks(blocks.map(b => b.cid), { signal })) got.set(cid.toString(), bytes)
      } finally {
        session.close()
      }
      assertSameBlocks(got, blocks)
      for (const block of blocks) assert.equal(await fetcher.store.has(block.cid), true)
      const stats = fetcher.node.stats()
      assert.equal(stats.protocolErrors, 0)
      assert.equal(stats.client.invalidBlocks, 0)
      assert.equal(stats.client.unwantedBlocks, 0)
    })
  }

  it('single blocks with want(), one of them nearly 2 MiB, and one Helia gets only later', async (t) => {
    const [big] = await makeBlocks(1, 2 * MiB - 300, 330)
    const [v0] = await makeDagPbBlocks(1, 5000, 331, 0)
    const [late] = await makeBlocks(1, 3000, 332)
    const { seed, fetcher } = await pair(t, [big, v0])
    const signal = AbortSignal.timeout(FETCH_TIMEOUT)
    assert.ok(sameBytes(await fetcher.node.want(big.cid, { signal }), big.data))
    assert.ok(sameBytes(await fetcher.node.want(v0.cid, { signal }), v0.data))

    // Helia keeps our want and sends the block once it has it.
    const wanting = fetcher.node.want(late.cid, { signal })
    await seed.blockstore.put(late.cid, late.data)
    assert.ok(sameBytes(await wanting, late.data))
  })

  it('goes on after Helia drops our idle stream (its receive timeout, 10 s)', async (t) => {
    const [first, second] = await makeBlocks(2, 10_000, 333)
    const { fetcher, seed } = await pair(t, [first, second])
    const signal = AbortSignal.timeout(FETCH_TIMEOUT)
    assert.ok(sameBytes(await fetcher.node.want(first.cid, { signal }), first.data))
    const [ours] = streamsTo(fetcher.libp2p, seed.libp2p, 'outbound')
    assert.ok(ours != null, 'our long-lived stream to Helia is open')
    // Helia reads an inbound stream only while messages keep coming; this waits for it to give up on ours.
    await closed(ours)
    assert.equal(ours.status, 'reset')
    assert.ok(sameBytes(await fetcher.node.want(second.cid, { signal }), second.data), 'the next want gets through')
    assert.equal(fetcher.network.stats(seed.libp2p.peerId.toString())?.streamsOpened, 2, 'on a new stream')
  })

  for (const { name, options } of fileProfiles) {
    it(`a 10 MiB UnixFS file (${name}), every block of the DAG, walked through a session`, async (t) => {
      const bytes = await makeFile(340)
      const { seed, fetcher, seedKey } = await pair(t)
      const { root, cids } = await importFile(bytes, options, async (cid, data) => seed.blockstore.put(cid, data))
      assert.ok(cids.length > 40, 'the DAG has a root and 40 leaves')

      const signal = AbortSignal.timeout(FETCH_TIMEOUT)
      const session = fetcher.node.createSession({ providers: [seedKey], signal })
      try {
        const entry = await exporter(root, sessionStore(session), { signal })
        assert.equal(entry.type, 'file')
        const content = await collect(entry.content({ signal }))
        assert.ok(sameBytes(content, bytes), 'the file is byte-exact')
      } finally {
        session.close()
      }
      for (const cid of cids) assert.equal(await fetcher.store.has(cid), true, `Swapwright stored block ${cid.toString()}`)
      assert.equal(fetcher.node.stats().protocolErrors, 0)
    })
  }
})
