import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { blockKey, VirtualClock, type DecisionStrategy } from '../src/index.js'
import { PeerTaskQueue, type Reply, type Task } from '../src/internal.js'

/** The simplest complete order: peers by name, tasks by priority then arrival. */
const byName: DecisionStrategy = {
  name: 'by-name',
  comparePeers: (a, b) => (b.pendingTasks > 0 ? 1 : 0) - (a.pendingTasks > 0 ? 1 : 0) || a.peer.localeCompare(b.peer),
  compareTasks: (a, b) => b.priority - a.priority || a.seq - b.seq,
  answerWantHave: size => size <= 1024 ? 'block' : 'have',
  evict: () => ({ evict: [], accept: [] })
}

let seq = 0
async function task (peer: string, name: string, init: { reply?: Reply, work?: number, priority?: number } = {}): Promise<Task> {
  const cid = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(name)))
  const reply = init.reply ?? 'block'
  return {
    peer, key: blockKey(cid), cid, priority: init.priority ?? 1, wantType: reply === 'block' ? 'block' : 'have',
    sendDontHave: false, reply, work: init.work ?? 1000, blockSize: init.work ?? 1000, seq: seq++, dead: false
  }
}

function queue (init: { target?: number, maxOutstanding?: number } = {}): PeerTaskQueue {
  return new PeerTaskQueue({
    strategy: byName,
    clock: new VirtualClock(),
    targetMessageSize: init.target ?? 16 * 1024,
    maxOutstandingBytesPerPeer: init.maxOutstanding ?? 1024 * 1024
  })
}

describe('PeerTaskQueue', () => {
  it('merges a pending HAVE and a block for the same CID into the block, keeping the higher priority', async () => {
    const q = queue()
    q.push(await task('a', 'x', { reply: 'have', work: 40, priority: 9 }))
    q.push(await task('a', 'x', { reply: 'block', work: 5000, priority: 2 }))
    const batch = q.pop()
    assert.equal(batch?.tasks.length, 1)
    assert.equal(batch?.tasks[0].reply, 'block')
    assert.equal(batch?.tasks[0].priority, 9)
    assert.equal(batch?.tasks[0].work, 5000)
  })

  it('does not queue again what is already being sent, unless it tells the peer more', async () => {
    const q = queue()
    q.push(await task('a', 'x', { reply: 'have', work: 40 }))
    const first = q.pop()
    assert.equal(first?.tasks[0].reply, 'have')
    q.push(await task('a', 'x', { reply: 'have', work: 40 }))
    assert.equal(q.pop(), undefined, 'a second HAVE while the first is in flight is dropped')
    q.push(await task('a', 'x', { reply: 'block', work: 2000 }))
    assert.equal(q.pop()?.tasks[0].reply, 'block', 'an upgrade to the block is kept')
  })

  it('fills a batch up to the target, letting one block overshoot rather than split it', async () => {
    const q = queue({ target: 10_000 })
    for (let i = 0; i < 5; i++) q.push(await task('a', `b${i}`, { work: 4000 }))
    const batch = q.pop()
    assert.equal(batch?.tasks.length, 3, '4000 + 4000 < 10 000, the third block crosses it')
    assert.equal(batch?.pendingBytes, 8000)
    const big = queue({ target: 10_000 })
    big.push(await task('a', 'huge', { work: 50_000 }))
    assert.equal(big.pop()?.tasks.length, 1, 'a block over the target goes alone')
  })

  it('caps a peer\'s outstanding bytes and skips it until some are sent', async () => {
    const q = queue({ target: 1000, maxOutstanding: 3000 })
    for (let i = 0; i < 10; i++) q.push(await task('a', `a${i}`, { work: 1000 }))
    q.push(await task('b', 'b0', { work: 1000 }))
    const batches = [q.pop(), q.pop(), q.pop()]
    assert.deepEqual(batches.map(b => b?.peer), ['a', 'a', 'a'])
    const next = q.pop()
    assert.equal(next?.peer, 'b', 'a is at its 3000-byte cap, so b goes even though a ranks first')
    assert.equal(q.pop(), undefined, 'nobody else can go until a\'s bytes are sent')
    q.done(batches[0] as NonNullable<typeof next>)
    assert.equal(q.pop()?.peer, 'a')
  })

  it('orders a peer\'s tasks by priority, and a cancelled task never comes out', async () => {
    const q = queue({ target: 1 })
    const low = await task('a', 'low', { priority: 1 })
    const high = await task('a', 'high', { priority: 10 })
    const gone = await task('a', 'gone', { priority: 50 })
    q.push(low)
    q.push(gone)
    q.push(high)
    q.remove('a', gone.key)
    const order = []
    for (let b = q.pop(); b != null; b = q.pop()) {
      order.push(b.tasks[0].cid.toString())
      q.done(b)
    }
    assert.deepEqual(order, [high.cid.toString(), low.cid.toString()])
  })

  it('stays bounded when a peer keeps wanting and cancelling', async () => {
    const q = queue()
    const t = await task('a', 'churn')
    for (let i = 0; i < 10_000; i++) {
      q.push({ ...t, seq: seq++, dead: false })
      q.remove('a', t.key)
    }
    assert.equal(q.peek('a')?.pendingCount, 0)
    assert.equal(q.pop(), undefined)
    // The tracker compacts its heap: no way to see its length from outside, but the queue must still work.
    q.push({ ...t, seq: seq++, dead: false })
    assert.equal(q.pop()?.tasks.length, 1)
  })
})
