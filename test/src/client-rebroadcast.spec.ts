import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { makeBlocks } from './util/blocks.js'
import { startSwapwright, type SwapwrightPeer } from './util/swapwright-node.js'
import { cidKey, WireProbe } from './util/wire-probe.js'

const REBROADCAST = 1_000

// A want is sent again only after the peer has been silent for the rebroadcast interval, since a peer that is
// sending is working through our wants. What counts as sending is an answer, or bytes of a message still arriving:
// a peer that is itself fetching from us keeps sending its own small wantlists, and those say nothing of ours.
describe('client: a want is sent again to a peer that keeps asking us for things but never answers', () => {
  let fetcher: SwapwrightPeer
  let probe: WireProbe
  before(async () => {
    fetcher = await startSwapwright({ options: { rebroadcastInterval: REBROADCAST } })
    probe = await WireProbe.start('/ipfs/bitswap/1.2.0')
    await probe.connect(fetcher.libp2p.peerId, fetcher.libp2p.getMultiaddrs())
  })
  after(async () => {
    await probe.stop()
    await fetcher.stop()
  })

  it('sends the want again after the interval although the peer sent a wantlist every 200 ms', async () => {
    const [wanted] = await makeBlocks(1, 100, 301)
    const theirs = await makeBlocks(20, 100, 302)
    const controller = new AbortController()
    const session = fetcher.node.createSession({ providers: [probe.node.peerId.toString()] })
    const fetch = session.getBlock(wanted.cid, { signal: controller.signal }).catch(() => undefined)
    const asked = (): number => probe.wantsReceived.filter(w => !w.cancel && cidKey(w.cid) === cidKey(wanted.cid)).length
    let i = 0
    // the probe's own wants, each a small whole message, for up to four intervals
    while (i < theirs.length && asked() < 2) {
      probe.send([{ cid: theirs[i++].cid, wantType: 'have' }])
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    controller.abort()
    await fetch
    assert.ok(asked() >= 2, `the want went out ${asked()} time(s) in ${i * 200} ms of the peer's chatter`)
  })
})
