import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_CONFIG, VirtualClock } from '@swapwright/core'
import { MessageQueue } from '@swapwright/core/internal'
import { SimulatedNetwork } from '@swapwright/transports'
import { makeBlocks } from './util/blocks.js'
import { RawPeer } from './util/raw-peer.js'

async function setup (): Promise<{ clock: VirtualClock, queue: MessageQueue, peer: RawPeer, net: SimulatedNetwork }> {
  const clock = new VirtualClock()
  const net = new SimulatedNetwork({ clock, latency: 5 })
  const self = net.node('self')
  await self.start({ onMessage: () => {}, onPeerConnected: () => {}, onPeerDisconnected: () => {} })
  const peer = await RawPeer.start(net, 'peer')
  await self.connect('peer')
  const queue = new MessageQueue({ peer: 'peer', network: self, clock, config: DEFAULT_CONFIG })
  return { clock, queue, peer, net }
}

const lines = (peer: RawPeer): string[][] => peer.received.map(r => (r.message.wantlist?.entries ?? [])
  .map(e => `${e.cid.toString().slice(-4)}:${e.cancel ? 'cancel' : e.wantType}`))

describe('MessageQueue', () => {
  it('coalesces changes of one turn into one message, earlier wants with higher priority', async () => {
    const { clock, queue, peer } = await setup()
    const blocks = await makeBlocks(3, 10, 81)
    queue.wantHave(blocks[0].cid, true)
    queue.wantBlock(blocks[1].cid, true)
    queue.wantHave(blocks[2].cid, false)
    await clock.advance(20)
    assert.equal(peer.received.length, 1)
    const priorities = peer.received[0].message.wantlist?.entries.map(e => e.priority) ?? []
    assert.deepEqual(priorities, [...priorities].sort((a, b) => b - a))
    assert.equal(queue.awaitingAnswers, 1, 'only a WANT_BLOCK that asked for DONT_HAVE awaits an answer')
  })

  it('never repeats a want; a want-block supersedes a want-have, not the reverse', async () => {
    const { clock, queue, peer } = await setup()
    const [block] = await makeBlocks(1, 10, 82)
    assert.equal(queue.wantHave(block.cid, true), true)
    await clock.advance(20)
    assert.equal(queue.wantHave(block.cid, true), false)
    assert.equal(queue.wantBlock(block.cid, true), true)
    await clock.advance(20)
    assert.equal(queue.wantBlock(block.cid, true), false)
    assert.equal(queue.wantHave(block.cid, true), false)
    await clock.advance(20)
    const tail = block.cid.toString().slice(-4)
    assert.deepEqual(lines(peer), [[`${tail}:have`], [`${tail}:block`]])
  })

  it('sends CANCEL only for wants the peer was told about', async () => {
    const { clock, queue, peer } = await setup()
    const [told, untold] = await makeBlocks(2, 10, 83)
    queue.wantBlock(told.cid, true)
    await clock.advance(20)
    queue.wantBlock(untold.cid, true)
    queue.cancel([told.cid, untold.cid])
    await clock.advance(20)
    assert.deepEqual(lines(peer), [[`${told.cid.toString().slice(-4)}:block`], [`${told.cid.toString().slice(-4)}:cancel`]])
    assert.equal(queue.size, 0)
  })

  it('sends wants again once they are 30 s old, and stops when they are withdrawn', async () => {
    const { clock, queue, peer } = await setup()
    const [block] = await makeBlocks(1, 10, 84)
    queue.wantBlock(block.cid, true)
    await clock.advance(29_000)
    assert.equal(peer.received.length, 1)
    await clock.advance(2_000)
    assert.equal(peer.received.length, 2, 'rebroadcast after 30 s')
    await clock.advance(30_000)
    assert.equal(peer.received.length, 3)
    queue.cancel([block.cid])
    await clock.advance(120_000)
    assert.equal(peer.received.length, 4, 'the cancel, and nothing after it')
    assert.equal(clock.pending, 0, 'no timers left once nothing is wanted')
  })

  it('does not send wants again while the peer keeps sending to us; does once it has been silent for 30 s', async () => {
    const { clock, queue, peer } = await setup()
    const [block] = await makeBlocks(1, 10, 87)
    queue.wantBlock(block.cid, true)
    await clock.advance(20)
    assert.equal(peer.received.length, 1)
    // A server working through a long queue for us: blocks of other wants, then bytes of a message on its way.
    for (let second = 0; second < 90; second++) {
      if (second % 2 === 0) queue.heardFrom(1024 * 1024)
      else queue.alive()
      await clock.advance(1_000)
    }
    assert.equal(peer.received.length, 1, 'a want on its way is not asked for again while the peer sends')
    await clock.advance(29_000)
    assert.equal(peer.received.length, 1)
    await clock.advance(2_000)
    assert.equal(peer.received.length, 2, 'sent again after 30 s of silence')
    assert.deepEqual(lines(peer)[1], [`${block.cid.toString().slice(-4)}:block`])
  })

  it('retries a failed send with back-off, up to three attempts', async () => {
    const { clock, queue, peer, net } = await setup()
    const [block] = await makeBlocks(1, 10, 85)
    await peer.network.disconnect('self')
    queue.wantBlock(block.cid, true)
    await clock.advance(50) // first attempt fails at once, second is due after 100 ms
    await peer.network.connect('self')
    await clock.advance(200)
    assert.equal(peer.received.length, 1, 'the retry got through')
    assert.equal(queue.sendFailures, 1)

    await peer.network.disconnect('self')
    const [other] = await makeBlocks(1, 10, 86)
    queue.wantBlock(other.cid, true)
    await clock.advance(1_000)
    assert.equal(queue.sendFailures, 4, 'three attempts, then it gives up')
    assert.equal(net.totals().messages, 1)
  })
})
