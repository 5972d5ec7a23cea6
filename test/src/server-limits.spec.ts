import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nodeParts } from '@swapwright/core/internal'
import { makeBlocks } from './util/blocks.js'
import { serverHarness } from './util/server-harness.js'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

/** Cheap distinct CIDs for blocks nobody has (hashing an index is enough). */
async function missingCids (count: number, offset = 0): Promise<CID[]> {
  const out: CID[] = []
  for (let i = 0; i < count; i++) {
    out.push(CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`missing-${offset + i}`))))
  }
  return out
}

describe('server limits', () => {
  it('never lets a wantlist grow past its limit under a flood of 100,000 wants', async () => {
    const { peers: [p], settle, server } = await serverHarness()
    const cids = await missingCids(100_000)
    let largest = 0
    for (let i = 0; i < cids.length; i += 5000) {
      await p.want('server', cids.slice(i, i + 5000).map(cid => ({ cid })))
      await settle()
      largest = Math.max(largest, nodeParts(server).server.peerStats('p0')?.wantlistSize ?? 0)
    }
    assert.equal(largest, 1024)
    const stats = nodeParts(server).server.peerStats('p0')
    assert.equal(stats?.wantlistSize, 1024)
    assert.equal(stats?.pendingTasks, 0, 'no DONT_HAVE was asked for, so nothing is queued')
    assert.equal(server.stats().server.wantlistEntries, 1024)
  })

  it('evicts wants for blocks we lack before wants for blocks we have', async () => {
    const limit = 8
    const have = await makeBlocks(4, 100, 21)
    const { peers: [p], settle, server } = await serverHarness({ blocks: have, maxWantsPerPeer: limit, taskWorkerCount: 1 })
    const lacking = await missingCids(limit)
    // Fill the ledger with wants we cannot serve (want-have without DONT_HAVE: they just wait).
    await p.want('server', lacking.map(cid => ({ cid, wantType: 'have', priority: 5 })))
    await settle()
    assert.equal(nodeParts(server).server.peerStats('p0')?.wantlistSize, limit)
    // Low-priority wants for blocks we hold still push out the unservable ones: a full ledger never jams.
    await p.want('server', have.map(b => ({ cid: b.cid, priority: 1 })))
    await settle()
    assert.deepEqual((await p.blockCids()).sort(), have.map(b => b.cid.toString()).sort())
    assert.ok((nodeParts(server).server.peerStats('p0')?.evictions ?? 0) >= 4)
  })

  it('makes room for higher-priority wants, even by giving up wants it could serve', async () => {
    const limit = 4
    const servable = await makeBlocks(limit, 50_000, 22)
    // A slow link keeps the servable wants queued while the next message arrives.
    const { peers: [p], settle, server, clock } = await serverHarness({ blocks: servable, maxWantsPerPeer: limit, bandwidth: 10_000, taskWorkerCount: 1 })
    await p.want('server', servable.map(b => ({ cid: b.cid, priority: 2 })))
    await clock.advance(6)
    const urgent = await missingCids(2, 100)
    await p.want('server', urgent.map(cid => ({ cid, priority: 10 })))
    await clock.advance(6)
    const wanted = new Set(nodeParts(server).server.wantlist('p0').map(String))
    assert.ok(wanted.size <= limit)
    for (const cid of urgent) assert.ok(wanted.has(cid.toString()), 'the urgent wants got in')
    await settle()
  })

  it('never gives up a servable want for a lower-priority one', async () => {
    const limit = 4
    const servable = await makeBlocks(limit, 50_000, 23)
    const { peers: [p], settle, server, clock } = await serverHarness({ blocks: servable, maxWantsPerPeer: limit, bandwidth: 10_000, taskWorkerCount: 1 })
    await p.want('server', servable.map(b => ({ cid: b.cid, priority: 10 })))
    await clock.advance(6)
    const lower = await missingCids(2, 200)
    await p.want('server', lower.map(cid => ({ cid, priority: 1 })))
    await clock.advance(6)
    const wanted = new Set(nodeParts(server).server.wantlist('p0').map(String))
    for (const cid of lower) assert.ok(!wanted.has(cid.toString()), 'lower-priority wants were refused')
    await settle()
    assert.equal((await p.blockCids()).length, limit, 'every servable want was served in the end')
  })

  it('keeps only the most urgent wants of one message that alone exceeds the limit', async () => {
    const { peers: [p], settle, server } = await serverHarness({ maxWantsPerPeer: 10 })
    const cids = await missingCids(30)
    await p.want('server', cids.map((cid, i) => ({ cid, priority: i })))
    await settle()
    const kept = nodeParts(server).server.wantlist('p0').map(String).sort()
    assert.deepEqual(kept, cids.slice(20).map(String).sort())
  })
})
