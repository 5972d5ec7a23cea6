import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { UncarriableWantError, valuePlugin, type PeerSelector, type SessionFeedback } from '@swapwright/core'
import { makeBlocks, makeV0Blocks } from './util/blocks.js'
import { Swarm } from './util/swarm.js'
import { sameBytes } from './util/swapwright-node.js'

/** A selector that keeps the given order and records what the session told it, with the virtual time. */
function recordingSelector (swarm: Swarm, seen: Array<SessionFeedback & { at: number }>): PeerSelector {
  return {
    name: 'recording',
    forSession: () => ({
      rank: (_cid, peers) => [...peers],
      observe: feedback => { seen.push({ ...feedback, at: swarm.clock.now() }) }
    })
  }
}

describe('client: wants an old peer can never carry are its DONT_HAVE at once', () => {
  it('a CIDv1 want to a 1.0.0 peer is a DONT_HAVE from it within a turn, never on the wire; CIDv0 still flows', async () => {
    const [v1] = await makeBlocks(1, 4000, 91)
    const [v0] = await makeV0Blocks(1, 4000, 92)
    const wantsAtOld: string[] = []
    const swarm = new Swarm({
      latency: 10,
      onDeliver: (_from, to, message) => {
        if (to === 'old') for (const entry of message.wantlist?.entries ?? []) wantsAtOld.push(entry.cid.toString())
      }
    })
    const seen: Array<SessionFeedback & { at: number }> = []
    await swarm.add('old', { blocks: [v1, v0], version: '1.0.0' })
    const fetcher = await swarm.add('fetcher', { options: { peerSelector: valuePlugin('recording', recordingSelector(swarm, seen)) } })
    await swarm.connectAll()
    const session = fetcher.node.createSession({ providers: ['old'] })

    // Only the 1.0.0 peer: the want cannot be carried, so the answer is known at once.
    const controller = new AbortController()
    const waiting = session.getBlock(v1.cid, { signal: controller.signal })
    waiting.catch(() => {})
    await swarm.run(async () => swarm.clock.sleep(100))
    const dontHave = seen.find(f => f.type === 'dont-have' && f.peer === 'old' && f.cid.equals(v1.cid))
    assert.ok(dontHave != null, `a DONT_HAVE from the old peer: ${JSON.stringify(seen.map(f => f.type))}`)
    assert.equal((dontHave as { timedOut: boolean }).timedOut, false, 'an answer, not a timeout')
    assert.ok(dontHave.at < 50, `known within a turn of sending (at ${dontHave.at} ms), before any DONT_HAVE timeout`)
    assert.equal(wantsAtOld.length, 0, 'the CIDv1 want never went on the wire')
    controller.abort()
    await assert.rejects(waiting)

    // A CIDv0 want is carried as usual.
    assert.ok(sameBytes(await swarm.run(async () => session.getBlock(v0.cid)), v0.data))
    assert.ok(wantsAtOld.includes(v0.cid.toString()))
    session.close()
    await swarm.stop()
  })

  it('with a 1.2.0 peer beside the 1.0.0 one, the CIDv1 block comes from the 1.2.0 peer', async () => {
    const [v1] = await makeBlocks(1, 4000, 93)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('old', { blocks: [v1], version: '1.0.0' })
    await swarm.add('new', { blocks: [v1] })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    assert.ok(sameBytes(await swarm.run(async () => fetcher.node.want(v1.cid)), v1.data))
    await swarm.stop()
  })

  it('want() whose only peer speaks 1.0.0 fails at once with UncarriableWantError naming the CID, not at the caller\'s abort', async () => {
    const [v1] = await makeBlocks(1, 4000, 94)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('old', { blocks: [v1], version: '1.0.0' })
    const fetcher = await swarm.add('fetcher')
    await swarm.connectAll()
    const started = swarm.clock.now()
    const err = await swarm.run(async () => fetcher.node.want(v1.cid).then(() => undefined, (e: unknown) => e))
    assert.ok(err instanceof UncarriableWantError, String(err))
    assert.equal(err.code, 'ERR_UNCARRIABLE_WANT')
    assert.ok(err.cid.equals(v1.cid))
    assert.deepEqual(err.peers, ['old'])
    assert.match(err.message, new RegExp(v1.cid.toString()))
    // The provider search it waits for ends within its own bounds; the caller set no timeout at all.
    assert.ok(swarm.clock.now() - started < 15_000, `failed after ${swarm.clock.now() - started} ms`)
    await swarm.stop()
  })

  it('a provider the search finds, speaking 1.2.0, still brings the block the 1.0.0 peer could not carry', async () => {
    const [v1] = await makeBlocks(1, 4000, 95)
    const swarm = new Swarm({ latency: 10 })
    await swarm.add('old', { blocks: [v1], version: '1.0.0' })
    const fetcher = await swarm.add('fetcher')
    await swarm.net.peer('fetcher')?.connect('old')
    await swarm.add('new', { blocks: [v1] })
    assert.ok(sameBytes(await swarm.run(async () => fetcher.node.want(v1.cid)), v1.data))
    await swarm.stop()
  })
})
