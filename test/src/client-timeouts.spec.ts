import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_DONT_HAVE_TIMEOUT } from '@swapwright/core'
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
})
