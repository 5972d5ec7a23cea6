import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  activeWorkDecisionStrategy, fairDecisionStrategy, priorityDecisionStrategy, reciprocityDecisionStrategy
} from '@swapwright/strategies'
import { nodeParts } from '@swapwright/core/internal'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { serverHarness, type ServerHarnessInit } from './util/server-harness.js'

/** Index, among all replies the server sent after `since`, of the first one that reached `peer`. */
function firstReplyIndex (replies: Array<{ at: number, peer: string }>, peer: string): number {
  return replies.findIndex(r => r.peer === peer)
}

/**
 * p0 asks for a 1024-block backlog; once the server is busy with it, p1 asks for one block. Returns in which
 * reply (counted over all server messages after p1's want arrived) p1 got its block.
 */
async function backlogRace (init: ServerHarnessInit, backlog: TestBlock[], single: TestBlock): Promise<number> {
  const h = await serverHarness({ ...init, blocks: [...backlog, single], peers: 2, latency: 1, bandwidth: 1_000_000 })
  const [p0, p1] = h.peers
  await p0.want('server', backlog.map(b => ({ cid: b.cid })))
  await h.clock.advance(3) // p0's wants have arrived and the workers are busy
  await p1.want('server', [{ cid: single.cid }])
  await h.clock.advance(1)
  const since = h.clock.now()
  await h.settle()
  const replies = [...p0.received, ...p1.received]
    .filter(r => r.at > since)
    .sort((a, b) => a.at - b.at)
    .map(r => ({ at: r.at, peer: p1.received.includes(r) ? 'p1' : 'p0' }))
  assert.equal(p1.received.length, 1)
  assert.equal((await p0.blockCids()).length, backlog.length, 'the backlog is served in full too')
  return firstReplyIndex(replies, 'p1')
}

describe('server fairness and strategies', () => {
  it('serves a peer with one want while another has a 1024-want backlog (fair order)', async () => {
    const backlog = await makeBlocks(1024, 2048, 31)
    const [single] = await makeBlocks(1, 2048, 32)
    const index = await backlogRace({ decisionStrategy: fairDecisionStrategy() }, backlog, single)
    // Bound: every worker (8) may already hold a popped p0 batch when p1's want lands; the next pop is p1's.
    assert.ok(index <= 8, `p1 was served in reply ${index}, expected within the first 9`)
  })

  it('the 2019 order no longer lets a bigger backlog starve a single want: its replies in flight count', async () => {
    const backlog = await makeBlocks(1024, 2048, 31)
    const [single] = await makeBlocks(1, 2048, 32)
    // Under workers that waited for each send, "fewer tasks in flight first" saw the backlog peer idle at every
    // pop, and "more waiting first" then served the whole backlog ahead. Replies are now handed to the network and
    // count as in flight until they are sent, so the backlog peer is never idle while its replies drain.
    const fair = await backlogRace({ decisionStrategy: fairDecisionStrategy(), taskWorkerCount: 1, readDelay: 2 }, backlog, single)
    const old = await backlogRace({ decisionStrategy: activeWorkDecisionStrategy(), taskWorkerCount: 1, readDelay: 2 }, backlog, single)
    console.log(`single want served in reply #${fair} (fair) vs #${old} (2019 active-work order)`)
    assert.ok(fair <= 1, `fair order served the single want in reply ${fair}`)
    assert.ok(old <= 1, `2019 order served the single want in reply ${old}`)
  })

  it('priority order serves the peer with the most urgent want first', async () => {
    const blocks = await makeBlocks(40, 8000, 33)
    const h = await serverHarness({ blocks, peers: 2, taskWorkerCount: 1, readDelay: 2, decisionStrategy: priorityDecisionStrategy() })
    const [p0, p1] = h.peers
    await p0.want('server', blocks.slice(0, 20).map(b => ({ cid: b.cid, priority: 1 })))
    await p1.want('server', blocks.slice(20).map(b => ({ cid: b.cid, priority: 50 })))
    await h.settle()
    // p0 asked first, so one batch of its may already be on its way when p1's wants land; after that, p1 goes first.
    const p1Done = Math.max(...p1.received.map(r => r.at))
    const p0Before = p0.received.filter(r => r.at < p1Done).length
    assert.ok(p0Before <= 1, `p0 got ${p0Before} replies before p1's urgent wants were all served`)
  })

  it('reciprocity serves the peer that gave us more first', async () => {
    const blocks = await makeBlocks(20, 8000, 34)
    const gifts = await makeBlocks(10, 10_000, 35)
    const h = await serverHarness({ blocks, peers: 2, taskWorkerCount: 1, readDelay: 2, decisionStrategy: reciprocityDecisionStrategy() })
    const [p0, p1] = h.peers
    // p1 has sent us 100 kB before asking; p0 has sent nothing.
    const { encodePrefixOf } = await import('@swapwright/core')
    await p1.send('server', { blocks: gifts.map(g => ({ prefix: encodePrefixOf(g.cid), data: g.data })) })
    await h.settle()
    // Ask in the same instant; p0's request goes first on the wire.
    await p0.want('server', blocks.slice(0, 10).map(b => ({ cid: b.cid })))
    await p1.want('server', blocks.slice(10).map(b => ({ cid: b.cid })))
    await h.settle()
    const p1Done = Math.max(...p1.received.map(r => r.at))
    const p0Done = Math.max(...p0.received.map(r => r.at))
    assert.ok(p1Done < p0Done, `the generous peer finished at ${p1Done}, the other at ${p0Done}`)
    assert.equal(nodeParts(h.server).server.peerStats('p1')?.bytesReceived, 100_000)
  })
})
