import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeBlocks } from './util/blocks.js'
import { serverHarness } from './util/server-harness.js'
import type { CID } from 'multiformats/cid'

/** The want-block / cancel loop: `rounds` times, want the block, wait `gap` virtual ms, cancel it. */
async function wantCancelLoop (minBlockResendInterval: number, rounds: number): Promise<number> {
  const [block] = await makeBlocks(1, 256 * 1024, 71)
  const h = await serverHarness({ blocks: [block], peers: 1, latency: 1, minBlockResendInterval })
  const [p0] = h.peers
  const entry = (cid: CID, cancel: boolean): { cid: CID, cancel: boolean } => ({ cid, cancel })
  for (let i = 0; i < rounds; i++) {
    await p0.want('server', [entry(block.cid, false)])
    await h.clock.advance(10)
    await p0.want('server', [entry(block.cid, true)])
    await h.clock.advance(10)
  }
  await h.settle()
  return h.server.stats().server.blocksSent
}

describe('server: fair sending', () => {
  it('a want/cancel loop on one block makes the server send it on every round, unless a resend interval is set', async () => {
    const unlimited = await wantCancelLoop(0, 30)
    const limited = await wantCancelLoop(1000, 30)
    console.log(`blocks sent over 30 want/cancel rounds in 600 ms: ${unlimited} without a resend interval, ${limited} with 1 s`)
    assert.ok(unlimited >= 20, `${unlimited} sends without the limit`)
    assert.ok(limited <= 1, `${limited} sends with a 1 s resend interval over 600 ms`)
  })

  it('a held-back block still goes once the interval has passed, if the peer still wants it', async () => {
    const [block] = await makeBlocks(1, 4096, 72)
    const h = await serverHarness({ blocks: [block], peers: 1, latency: 1, minBlockResendInterval: 500 })
    const [p0] = h.peers
    await p0.want('server', [{ cid: block.cid }])
    await h.clock.advance(20)
    await p0.want('server', [{ cid: block.cid }])
    await h.settle()
    assert.equal((await p0.blockCids()).length, 2)
    assert.ok(p0.received[1].at - p0.received[0].at >= 500)
    assert.equal(h.server.stats().server.resendsDeferred, 1)
  })

  it('a byte rate per peer spreads a large reply over time and still sends every block', async () => {
    const blocks = await makeBlocks(50, 10_000, 73)
    const h = await serverHarness({ blocks, peers: 2, latency: 1, maxBytesPerSecondPerPeer: 100_000 })
    const [p0, p1] = h.peers
    await p0.want('server', blocks.map(b => ({ cid: b.cid })))
    await p1.want('server', [{ cid: blocks[0].cid }])
    await h.settle()
    assert.equal((await p0.blockCids()).length, 50)
    const last = Math.max(...p0.received.map(r => r.at))
    // 500 kB at 100 kB/s after a one-second burst: about 4 s; the other peer has its own allowance.
    assert.ok(last >= 3500 && last <= 6000, `the last block arrived at ${last} ms`)
    assert.ok(p1.received[0].at < 100, `p1 answered at ${p1.received[0].at} ms`)
    assert.ok(h.server.stats().server.rateLimited > 0)
  })
})
