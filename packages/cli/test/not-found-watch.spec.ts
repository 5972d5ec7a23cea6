import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { NotFoundWatch } from '../src/not-found-watch.js'

/*
 * A block every peer of the fetch refused (a real DONT_HAVE, not silence) is reported once the refusal has stood
 * for the grace period; anything that could change the verdict disarms it. Timed on a virtual clock.
 */

const cidOf = async (text: string): Promise<CID> => CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(text)))

function watching (clock: VirtualClock): { watch: NotFoundWatch, found: string[] } {
  const found: string[] = []
  const watch = new NotFoundWatch(100, (cid, peers) => { found.push(`${cid.toString()} ${peers.sort().join(',')}`) }, clock)
  return { watch, found }
}

describe('cli: a block no peer has', () => {
  it('is reported once every peer refused it and the grace period passed, not before', async () => {
    const clock = new VirtualClock()
    const { watch, found } = watching(clock)
    const cid = await cidOf('missing')
    watch.observe({ type: 'peer-added', peer: 'a' })
    watch.observe({ type: 'peer-added', peer: 'b' })
    watch.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    await clock.advance(500)
    assert.deepEqual(found, [], 'one peer of two refused it')
    watch.observe({ type: 'dont-have', peer: 'b', cid, timedOut: true })
    await clock.advance(500)
    assert.deepEqual(found, [], 'silence is not a refusal')
    watch.observe({ type: 'dont-have', peer: 'b', cid, timedOut: false })
    await clock.advance(99)
    assert.deepEqual(found, [])
    await clock.advance(1)
    assert.deepEqual(found, [`${cid.toString()} a,b`])
    watch.stop()
  })

  it('waits for the peers still on their way: one of them may hold the block', async () => {
    const clock = new VirtualClock()
    const { watch, found } = watching(clock)
    const cid = await cidOf('held by the late peer?')
    watch.observe({ type: 'peer-added', peer: 'a' })
    let failToJoin: () => void = () => {}
    watch.awaitPeer(new Promise<void>(resolve => { failToJoin = resolve }))
    watch.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    await clock.advance(1000)
    assert.deepEqual(found, [], 'a peer is still being dialled')
    failToJoin()
    await clock.advance(0)
    await clock.advance(100)
    assert.deepEqual(found, [`${cid.toString()} a`], 'the dial ended without a peer: the refusal stands')
    watch.stop()
  })

  it('is not reported when a new peer joins, a peer says HAVE, or the watch stops, within the grace period', async () => {
    const clock = new VirtualClock()
    const { watch, found } = watching(clock)
    const [x, y, z] = await Promise.all(['x', 'y', 'z'].map(cidOf))
    watch.observe({ type: 'peer-added', peer: 'a' })
    for (const cid of [x, y, z]) watch.observe({ type: 'dont-have', peer: 'a', cid, timedOut: false })
    await clock.advance(50)
    watch.observe({ type: 'have', peer: 'a', cid: y })
    watch.observe({ type: 'peer-added', peer: 'b' })
    await clock.advance(200)
    assert.deepEqual(found, [], 'b may have x and z; a has y')
    watch.observe({ type: 'peer-removed', peer: 'b' })
    await clock.advance(50)
    watch.stop()
    await clock.advance(200)
    assert.deepEqual(found, [], 'stopped before the grace period passed')
  })
})
