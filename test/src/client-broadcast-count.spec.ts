import assert from 'node:assert/strict'
import { setImmediate } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { makeBlocks } from './util/blocks.js'
import { Swarm } from './util/swarm.js'
import type { DecodedMessage, PeerKey } from '@swapwright/core'

/** The WANT_HAVEs without DONT_HAVE (broadcasts) each peer received from `sender`, counted from the messages. */
function broadcastsReceived (sender: PeerKey): { observe: (from: PeerKey, to: PeerKey, message: DecodedMessage) => void, total: () => number } {
  let total = 0
  return {
    observe: (from, _to, message) => {
      if (from !== sender) return
      for (const entry of message.wantlist?.entries ?? []) if (!entry.cancel && entry.wantType === 'have' && !entry.sendDontHave) total++
    },
    total: () => total
  }
}

describe('stats().client.broadcastWantHaves counts the broadcast WANT_HAVEs that went on the wire', () => {
  it('equals what the peers received: none to a 1.1.0 peer, which has no WANT_HAVE', async () => {
    const [block] = await makeBlocks(1, 4096, 171)
    const wire = broadcastsReceived('fetcher')
    const swarm = new Swarm({ onDeliver: wire.observe })
    for (let i = 0; i < 3; i++) await swarm.add(`seed-${i}`, { blocks: i === 1 ? [block] : [], announce: false })
    await swarm.add('old-seed', { version: '1.1.0', announce: false })
    const fetcher = (await swarm.add('fetcher')).node
    await swarm.connectAll()
    await swarm.run(async () => {
      const session = fetcher.createSession()
      assert.deepEqual(await session.getBlock(block.cid), block.data)
      session.close()
    })
    assert.equal(wire.total(), 3, 'the three 1.2.0 seeds were asked')
    assert.equal(fetcher.stats().client.broadcastWantHaves, wire.total())
    await swarm.run(async () => swarm.stop())
  })

  it('does not count a broadcast withdrawn before its message left', async () => {
    const [block] = await makeBlocks(1, 4096, 172)
    const wire = broadcastsReceived('fetcher')
    const swarm = new Swarm({ onDeliver: wire.observe })
    for (let i = 0; i < 3; i++) await swarm.add(`seed-${i}`, { announce: false })
    const fetcher = (await swarm.add('fetcher')).node
    await swarm.connectAll()
    const caller = new AbortController()
    const got = fetcher.want(block.cid, { signal: caller.signal })
    got.catch(() => {})
    // The session's wants go to the queues on a timer of the virtual clock, and each queue sends on a timer it
    // sets then; a timer set now, after the first and before the second, withdraws the want in between.
    for (let i = 0; i < 20; i++) await setImmediate()
    assert.equal(fetcher.getWantlist().length, 0, 'the want is not queued yet')
    let queued = 0
    swarm.clock.setTimeout(() => {
      queued = fetcher.getWantlist().length
      caller.abort(new Error('changed my mind'))
    }, 0)
    await swarm.run(async () => { await assert.rejects(got, /was aborted/) })
    assert.equal(queued, 1, 'the want was queued when it was withdrawn')
    await swarm.run(async () => swarm.stop())
    assert.equal(wire.total(), 0, 'nothing left')
    assert.equal(fetcher.stats().client.broadcastWantHaves, 0)
  })
})
