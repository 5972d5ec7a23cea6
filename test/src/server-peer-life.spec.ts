import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nodeParts } from '@swapwright/core/internal'
import { makeBlocks } from './util/blocks.js'
import { serverHarness } from './util/server-harness.js'

describe('server: slow peers and the life of a ledger', () => {
  it('a peer whose link barely moves holds up its own replies only, and never more than its budget', async () => {
    const blocks = await makeBlocks(200, 8192, 61)
    const [single] = await makeBlocks(1, 1000, 62)
    const budget = 64 * 1024
    const h = await serverHarness({
      blocks: [...blocks, single],
      peers: 2,
      taskWorkerCount: 1,
      maxOutstandingBytesPerPeer: budget,
      // server -> p0 moves 100 bytes a second; every other link is unlimited.
      bandwidth: (from, to) => from === 'server' && to === 'p0' ? 100 : 1e12
    })
    const [p0, p1] = h.peers
    await p0.want('server', blocks.map(b => ({ cid: b.cid })))
    await h.clock.advance(50)
    const asked = h.clock.now()
    await p1.want('server', [{ cid: single.cid }])
    await h.clock.advance(50)
    assert.equal(p1.received.length, 1, 'the one-want peer was answered while the slow peer was still being sent to')
    assert.ok(p1.received[0].at - asked < 50)
    const stats = nodeParts(h.server).server.peerStats('p0')
    assert.ok(stats != null)
    // What is in flight to p0 is within its budget plus one batch (a batch may overshoot by one block).
    assert.ok(stats.activeTasks * 8192 <= budget + 16 * 1024, `${stats.activeTasks} tasks in flight to p0`)
    assert.ok(stats.pendingTasks > 100, 'the rest waits in the queue, not in the network')
  })

  it('drops a message still queued when its peer disconnects, and keeps nothing for the peer', async () => {
    const blocks = await makeBlocks(64, 1024, 63)
    const [missing] = await makeBlocks(1, 1024, 64)
    // Every block read takes 50 virtual ms, so the first message is still being applied when the second arrives.
    const h = await serverHarness({ blocks, peers: 1, readDelay: 50 })
    const [p0] = h.peers
    await p0.want('server', blocks.map(b => ({ cid: b.cid })))
    await p0.want('server', [{ cid: missing.cid }])
    await h.clock.advance(10)
    assert.equal(h.server.stats().server.queuedMessages, 2, 'both messages wait to be applied')
    await p0.network.disconnect('server')
    await h.settle()
    const stats = h.server.stats().server
    assert.equal(stats.peers, 0)
    assert.equal(stats.wantlistEntries, 0)
    assert.equal(stats.queuedMessages, 0)
    assert.equal(stats.queuedPeers, 0)
    assert.ok(stats.messagesDropped >= 2, `${stats.messagesDropped} messages dropped`)
    assert.deepEqual(nodeParts(h.server).server.wantlist('p0'), [])
    assert.equal(nodeParts(h.server).server.peerStats('p0'), undefined)
  })

  it('drops a message that arrives after its peer disconnected', async () => {
    const [block] = await makeBlocks(1, 1024, 65)
    const h = await serverHarness({ blocks: [block], peers: 1 })
    const [p0] = h.peers
    await p0.network.disconnect('server')
    await h.settle()
    // What a network's reader still holds for a connection that has just closed, handed over late.
    await nodeParts(h.server).server.messageReceived('p0', {
      blocks: [],
      presences: [],
      pendingBytes: 0,
      invalidEntries: 0,
      wantlist: { full: false, entries: [{ cid: block.cid, priority: 1, wantType: 'block', sendDontHave: true, cancel: false }] }
    })
    await h.settle()
    const stats = h.server.stats().server
    assert.equal(stats.peers, 0)
    assert.equal(stats.wantlistEntries, 0)
    assert.equal(stats.messagesDropped, 1)
    assert.equal(stats.blocksSent, 0)
  })
})

describe('server: one cap on the wants of all peers together', () => {
  it('makes the peer holding the most wants give way, and refuses that peer more', async () => {
    const missing = await makeBlocks(130, 64, 66)
    const h = await serverHarness({ peers: 2, maxWantlistEntries: 100, maxWantsPerPeer: 80 })
    const [p0, p1] = h.peers
    await p0.want('server', missing.slice(0, 80).map(b => ({ cid: b.cid })))
    await h.settle()
    await p1.want('server', missing.slice(80, 120).map(b => ({ cid: b.cid })))
    await h.settle()
    let stats = h.server.stats().server
    assert.equal(stats.wantlistEntries, 100)
    assert.equal(nodeParts(h.server).server.wantlist('p0').length, 60, 'the largest ledger gave way')
    assert.equal(nodeParts(h.server).server.wantlist('p1').length, 40)
    assert.equal(stats.totalCapEvictions, 20)
    // p0 still holds the most: its new wants are the ones refused.
    await p0.want('server', missing.slice(120).map(b => ({ cid: b.cid })))
    await h.settle()
    stats = h.server.stats().server
    assert.equal(stats.wantlistEntries, 100)
    assert.equal(nodeParts(h.server).server.wantlist('p1').length, 40)
    assert.equal(stats.totalCapRefusals, 10)
  })
})
