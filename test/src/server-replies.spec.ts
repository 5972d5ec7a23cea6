import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { nodeParts } from '@swapwright/core/internal'
import { makeBlocks } from './util/blocks.js'
import { serverHarness } from './util/server-harness.js'

describe('server replies', () => {
  it('answers want-block with the block, byte-exact', async () => {
    const blocks = await makeBlocks(3, 4096)
    const { peers: [p], settle } = await serverHarness({ blocks })
    await p.want('server', blocks.map(b => ({ cid: b.cid })))
    await settle()
    assert.deepEqual((await p.blockCids()).sort(), blocks.map(b => b.cid.toString()).sort())
    const byCid = new Map(blocks.map(b => [b.cid.toString(), b.data]))
    const got = await p.blockCids()
    p.blocks().forEach((data, i) => assert.deepEqual(data, byCid.get(got[i])))
  })

  it('answers want-have with HAVE for a large block and with the block itself up to 1024 bytes', async () => {
    const [large] = await makeBlocks(1, 1025, 1)
    const [small] = await makeBlocks(1, 1024, 2)
    const { peers: [p], settle } = await serverHarness({ blocks: [large, small] })
    await p.want('server', [{ cid: large.cid, wantType: 'have' }, { cid: small.cid, wantType: 'have' }])
    await settle()
    assert.deepEqual(p.presences('have'), [large.cid.toString()])
    assert.deepEqual(await p.blockCids(), [small.cid.toString()])
  })

  it('answers DONT_HAVE only to a peer that asked for it', async () => {
    const [missingA, missingB] = await makeBlocks(2, 100, 3)
    const { peers: [p], settle, server } = await serverHarness()
    await p.want('server', [
      { cid: missingA.cid, sendDontHave: true },
      { cid: missingB.cid, sendDontHave: false, wantType: 'have' }
    ])
    await settle()
    assert.deepEqual(p.presences('dont-have'), [missingA.cid.toString()])
    assert.equal(p.presences().length, 1)
    assert.equal(nodeParts(server).server.peerStats('p0')?.wantlistSize, 2, 'wants for missing blocks stay in the ledger')
  })

  it('pushes a block stored after the want arrived to every peer still waiting for it', async () => {
    const [late] = await makeBlocks(1, 2000, 4)
    const { peers: [p0, p1, p2], settle, server, store } = await serverHarness({ peers: 3 })
    await p0.want('server', [{ cid: late.cid, sendDontHave: true }])
    await p1.want('server', [{ cid: late.cid, wantType: 'have' }])
    await settle()
    assert.deepEqual(p0.presences('dont-have'), [late.cid.toString()])
    assert.equal(p1.received.length, 0)

    await store.put(late.cid, late.data)
    await server.notifyNewBlocks([late.cid])
    await settle()
    assert.deepEqual(await p0.blockCids(), [late.cid.toString()])
    assert.deepEqual(p1.presences('have'), [late.cid.toString()], 'a want-have for a large block gets HAVE')
    assert.equal(p2.received.length, 0, 'a peer that never asked gets nothing')
    assert.equal(nodeParts(server).server.peerStats('p0')?.wantlistSize, 0, 'answered wants leave the ledger')
  })

  it('sends replies of one peer in priority order', async () => {
    const blocks = await makeBlocks(6, 20_000, 5)
    const { peers: [p], settle } = await serverHarness({ blocks, taskWorkerCount: 1 })
    const priorities = [3, 9, 1, 7, 5, 8]
    await p.want('server', blocks.map((b, i) => ({ cid: b.cid, priority: priorities[i] })))
    await settle()
    const expected = blocks.map((b, i) => ({ cid: b.cid.toString(), priority: priorities[i] }))
      .sort((a, b) => b.priority - a.priority).map(x => x.cid)
    assert.deepEqual(await p.blockCids(), expected)
  })

  it('fills replies up to the target size and reports the bytes still queued', async () => {
    const blocks = await makeBlocks(10, 6000, 6)
    // Go's 16 KiB target (ours is 64 KiB): three 6000-byte blocks reach it.
    const { peers: [p], settle } = await serverHarness({ blocks, taskWorkerCount: 1, targetMessageSize: 16 * 1024 })
    await p.want('server', blocks.map(b => ({ cid: b.cid })))
    await settle()
    const perMessage = p.received.map(r => r.message.blocks.length)
    assert.deepEqual(perMessage, [3, 3, 3, 1], '16 KiB target: three 6000-byte blocks reach it')
    assert.deepEqual(p.received.map(r => r.message.pendingBytes), [42_000, 24_000, 6000, 0])
  })

  it('fills replies to 64 KiB of work by default', async () => {
    const blocks = await makeBlocks(24, 6000, 8)
    const { peers: [p], settle } = await serverHarness({ blocks, taskWorkerCount: 1 })
    await p.want('server', blocks.map(b => ({ cid: b.cid })))
    await settle()
    assert.deepEqual(p.received.map(r => r.message.blocks.length), [11, 11, 2], 'eleven 6000-byte blocks reach 64 KiB')
  })

  it('a cancel removes the want; a full wantlist replaces the old one', async () => {
    const [a, b, c] = await makeBlocks(3, 100, 7)
    const { peers: [p], settle, server } = await serverHarness()
    await p.want('server', [{ cid: a.cid }, { cid: b.cid }])
    await settle()
    assert.deepEqual(nodeParts(server).server.wantlist('p0').map(String).sort(), [a.cid, b.cid].map(String).sort())
    await p.want('server', [{ cid: a.cid, cancel: true }])
    await settle()
    assert.deepEqual(nodeParts(server).server.wantlist('p0').map(String), [b.cid.toString()])
    await p.want('server', [{ cid: c.cid }], true)
    await settle()
    assert.deepEqual(nodeParts(server).server.wantlist('p0').map(String), [c.cid.toString()])
  })

  it('upgrades a want-have to want-block and sends the block', async () => {
    const [big] = await makeBlocks(1, 50_000, 8)
    const { peers: [p], settle } = await serverHarness({ blocks: [big] })
    await p.want('server', [{ cid: big.cid, wantType: 'have' }])
    await p.want('server', [{ cid: big.cid, wantType: 'block' }])
    await settle()
    assert.deepEqual(await p.blockCids(), [big.cid.toString()])
  })

  it('ignores oversized CIDs without dropping the peer or its valid wants', async () => {
    const [valid] = await makeBlocks(1, 300, 9)
    const { peers: [p], settle, server } = await serverHarness({ blocks: [valid] })
    await p.want('server', [{ cid: valid.cid, sendDontHave: true }])
    // A hand-made CID whose digest is 200 bytes: over the 168-byte ceiling.
    const hugeDigest = new Uint8Array([0x01, 0x55, 0x12, 0xc8, 0x01, ...new Uint8Array(200).fill(1)])
    // The oversized CID cannot be built through multiformats' checks, so send it as raw protobuf bytes.
    const { WireMessage } = await import('@swapwright/core')
    const bytes = WireMessage.encode({ wantlist: { full: false, entries: [{ block: hugeDigest, priority: 1, cancel: false, wantType: WireMessage.WantType.Block, sendDontHave: true }] } })
    // The server's network is simulated: hand it the raw bytes as if they came off p0's link.
    ;(server.components.network as unknown as { receive: (from: string, bytes: Uint8Array) => void }).receive('p0', bytes)
    await settle()
    assert.deepEqual(await p.blockCids(), [valid.cid.toString()])
    assert.equal(p.presences().length, 0)
    assert.equal(nodeParts(server).server.peerStats('p0')?.ignoredEntries, 1)
    assert.equal(server.stats().peers, 1)
  })

  it('ignores wants for identity CIDs (the asker holds the block in the CID), as Kubo does, and keeps the peer', async () => {
    const [valid] = await makeBlocks(1, 300, 9)
    const { peers: [p, q], settle, server, store } = await serverHarness({ blocks: [valid], peers: 2 })
    const inline = CID.createV1(raw.code, identity.digest(new TextEncoder().encode('inline data')))
    await p.want('server', [{ cid: inline, sendDontHave: true }, { cid: valid.cid, sendDontHave: true }])
    await q.want('server', [{ cid: inline, wantType: 'have', sendDontHave: true }])
    await settle()
    assert.deepEqual(await p.blockCids(), [valid.cid.toString()], 'only the hashed block goes on the wire')
    assert.equal(p.presences().length + q.presences().length + q.blocks().length, 0, 'no HAVE, DONT_HAVE or block for an identity CID')
    assert.equal(await store.has(inline), false, 'nothing was stored for it')
    assert.equal(nodeParts(server).server.peerStats('p0')?.ignoredEntries, 1)
    assert.equal(server.stats().peers, 2)
  })

  it('treats a failing blockstore read as a missing block and keeps serving', async () => {
    const blocks = await makeBlocks(2, 500, 10)
    const h = await serverHarness({ blocks })
    const broken = blocks[0].cid.toString()
    const original = h.store.get.bind(h.store)
    h.store.get = ((cid: CID, options?: any) => {
      if (cid.toString() === broken) throw new Error('disk on fire')
      return original(cid, options)
    }) as typeof h.store.get
    const [p] = h.peers
    await p.want('server', [{ cid: blocks[0].cid, sendDontHave: true }, { cid: blocks[1].cid, sendDontHave: true }])
    await h.settle()
    assert.deepEqual(await p.blockCids(), [blocks[1].cid.toString()])
    assert.deepEqual(p.presences('dont-have'), [broken])
    assert.ok(h.server.stats().server.readErrors >= 1)
  })

  it('frees all of a peer\'s state when it disconnects', async () => {
    const missing = await makeBlocks(50, 10, 11)
    const { peers: [p], settle, server } = await serverHarness()
    await p.want('server', missing.map(b => ({ cid: b.cid })))
    await settle()
    assert.equal(server.stats().server.wantlistEntries, 50)
    await p.network.disconnect('server')
    await settle()
    assert.equal(server.stats().server.peers, 0)
    assert.equal(server.stats().server.wantlistEntries, 0)
    assert.equal(nodeParts(server).server.peerStats('p0'), undefined)
  })

  it('counts blocks and bytes sent per peer', async () => {
    const blocks = await makeBlocks(4, 1000, 12)
    const { peers: [p0, p1], settle, server } = await serverHarness({ blocks, peers: 2 })
    await p0.want('server', blocks.slice(0, 3).map(b => ({ cid: b.cid })))
    await p1.want('server', blocks.slice(3).map(b => ({ cid: b.cid })))
    await settle()
    assert.equal(nodeParts(server).server.peerStats('p0')?.blocksSent, 3)
    assert.equal(nodeParts(server).server.peerStats('p0')?.bytesSent, 3000)
    assert.equal(nodeParts(server).server.peerStats('p1')?.blocksSent, 1)
    assert.equal(server.stats().server.bytesSent, 4000)
  })
})

describe('server and client together', () => {
  it('pushes a block the node just fetched to a peer that asked for it earlier', async () => {
    const { Swarm } = await import('./util/swarm.js')
    const [block] = await makeBlocks(1, 4000, 13)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('origin', { blocks: [block], announce: false })
    const middle = await swarm.add('middle')
    const { RawPeer } = await import('./util/raw-peer.js')
    const asker = await RawPeer.start(swarm.net, 'asker')
    await asker.network.connect('middle')
    await asker.want('middle', [{ cid: block.cid, sendDontHave: true }])
    await swarm.clock.advance(50)
    assert.deepEqual(asker.presences('dont-have'), [block.cid.toString()])
    await middle.node.components.network.connect('origin')
    await swarm.run(async () => middle.node.want(block.cid))
    await swarm.run(async () => swarm.clock.sleep(100))
    assert.deepEqual(await asker.blockCids(), [block.cid.toString()], 'the middle node served what it just received')
    await swarm.stop()
  })
})

describe('server without DONT_HAVE', () => {
  it('never answers DONT_HAVE when sendDontHaves is off, and the want still waits for the block', async () => {
    const [missing] = await makeBlocks(1, 100, 14)
    const { peers: [p], settle, server, store } = await serverHarness({ sendDontHaves: false })
    await p.want('server', [{ cid: missing.cid, sendDontHave: true }])
    await settle()
    assert.equal(p.received.length, 0)
    await store.put(missing.cid, missing.data)
    await server.notifyNewBlocks([missing.cid])
    await settle()
    assert.deepEqual(await p.blockCids(), [missing.cid.toString()])
  })
})
