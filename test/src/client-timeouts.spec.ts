import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_DONT_HAVE_TIMEOUT } from '@swapwright/core'
import { nodeParts } from '@swapwright/core/internal'
import { makeBlocks } from './util/blocks.js'
import { RawPeer } from './util/raw-peer.js'
import { Swarm } from './util/swarm.js'

describe('client: peers that cannot help', () => {
  it('passes over a peer that answers DONT_HAVE within a few round trips', async () => {
    const blocks = await makeBlocks(10, 4096, 91)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('refuser')
    await swarm.add('seed', { blocks })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const session = fetcher.node.createSession({ providers: ['refuser', 'seed'] })
    const times = await swarm.timeEachBlock(session, blocks)
    // One round trip is 20 ms; a detour through the refuser costs at most one more.
    assert.ok(Math.max(...times) <= 100, `slowest block took ${Math.max(...times)} ms`)
    session.close()
    await swarm.stop()
  })

  it('passes over a silent peer once the DONT_HAVE timeout expires', async () => {
    const blocks = await makeBlocks(10, 4096, 92)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('seed', { blocks })
    const fetcher = await swarm.add('fetcher')
    const silent = await RawPeer.start(swarm.net, 'silent')
    await swarm.connectAll()
    await silent.network.connect('fetcher')
    const session = fetcher.node.createSession({ providers: ['silent', 'seed'] })
    const times = await swarm.timeEachBlock(session, blocks)
    const asked = silent.received.flatMap(r => r.message.wantlist?.entries ?? []).filter(e => !e.cancel && e.wantType === 'block')
    console.log(`silent peer was sent ${asked.length} WANT_BLOCKs; per-block times (virtual ms): ${times.join(', ')}`)
    assert.ok(Math.max(...times) <= DEFAULT_DONT_HAVE_TIMEOUT + 100, `slowest block took ${Math.max(...times)} ms`)
    session.close()
    await swarm.stop()
  })

  it('passes over a peer at once when it answers a want with a malformed message', async () => {
    const blocks = await makeBlocks(10, 4096, 93)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('seed', { blocks })
    const fetcher = await swarm.add('fetcher')
    // A peer that answers every WANT_BLOCK, 10 ms later, with bytes that are not a Bitswap message.
    const rogue = swarm.net.node('rogue')
    let broken = 0
    await rogue.start({
      onMessage: (from, message) => {
        if (!(message.wantlist?.entries ?? []).some(e => !e.cancel && e.wantType === 'block')) return
        swarm.clock.setTimeout(() => {
          broken++
          swarm.net.peer(from)?.receive('rogue', Uint8Array.from([0x0a, 0x7f, 0x00, 0x00]))
        }, 10)
      },
      onPeerConnected: () => {},
      onPeerDisconnected: () => {}
    })
    await swarm.connectAll()
    await rogue.connect('fetcher')
    const session = fetcher.node.createSession({ providers: ['rogue', 'seed'] })
    const times = await swarm.timeEachBlock(session, blocks)
    assert.ok(broken > 0, 'the rogue was asked and answered with garbage')
    assert.equal(fetcher.node.stats().protocolErrors, broken)
    // Without this, each want the rogue was asked for waits out the 5 s DONT_HAVE timeout.
    assert.ok(Math.max(...times) < DEFAULT_DONT_HAVE_TIMEOUT / 10, `slowest block took ${Math.max(...times)} ms`)
    session.close()
    await swarm.stop()
  })

  it('learns the DONT_HAVE timeout from blocks: about twice the time the seed takes to answer', async () => {
    const blocks = await makeBlocks(40, 64 * 1024, 94)
    // 60 ms each way plus 400 KB/s: a 64 KiB block takes about 280 ms from want to arrival.
    const swarm = new Swarm({ latency: 60, bandwidth: 400_000 })
    await swarm.add('seed', { blocks })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const queue = nodeParts(fetcher.node).client.wantManager.queue('seed')
    assert.ok(queue != null)
    const before = queue.dontHaveTimeout
    const session = fetcher.node.createSession({ providers: ['seed'] })
    const times = await swarm.timeEachBlock(session, blocks)
    const answer = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]
    const learned = queue.dontHaveTimeout
    console.log(`answer time ${answer} ms (median of ${times.length}); timeout from the ping ${before} ms, learned ${learned} ms`)
    assert.ok(learned >= 1.6 * answer && learned <= 2.4 * answer, `timeout ${learned} ms is not about twice the ${answer} ms answer time`)
    session.close()
    await swarm.stop()
  })
})
