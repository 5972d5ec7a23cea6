/*
 * Back-pressure from the store to the network: a block received but not yet written keeps its place among the
 * wants in flight to its sender, so a fetch into a slow store asks for no more than the store has caught up with.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_CONFIG, encodePrefixOf, VirtualClock, type Blockstore } from '../src/index.js'
import { clientFixture } from './fixtures/client.js'
import { cidOf, FakeNetwork } from './fixtures/fake-network.js'
import type { CID } from 'multiformats/cid'

/** A store whose writes all wait until `release()`, as a disk that has fallen behind. */
function heldStore (): Blockstore & { release: () => void } {
  let held: Array<() => void> = []
  return {
    has: () => false,
    put: async (cid: CID) => new Promise<CID>(resolve => { held.push(() => { resolve(cid) }) }),
    release: () => {
      const waiting = held
      held = []
      for (const write of waiting) write()
    }
  } as unknown as Blockstore & { release: () => void }
}

describe('the client\'s want window and its store', () => {
  it('lets a sender\'s place in flight go only once its block is written', async () => {
    const clock = new VirtualClock()
    const network = new FakeNetwork(clock)
    const store = heldStore()
    const client = clientFixture({ clock, network, store, config: { maxWantsInFlightPerPeer: 2 } })
    client.start()
    client.peerConnected('seed')

    const names = ['one', 'two', 'three', 'four']
    const cids = await Promise.all(names.map(cidOf))
    const session = client.createSession()
    const fetching = cids.map(async cid => session.getBlock(cid))
    await clock.advance(10)
    const asked = (): number => cids.filter(cid => network.entries(cid).length > 0).length
    assert.equal(asked(), 2, 'two wants in flight, as the window allows')

    const answer = async (i: number): Promise<void> => client.messageReceived('seed', {
      blocks: [{ prefix: encodePrefixOf(cids[i]), data: new TextEncoder().encode(names[i]) }], presences: [], pendingBytes: 0, invalidEntries: 0
    })
    const written = Promise.all([answer(0), answer(1)])
    await clock.advance(10)
    assert.equal(asked(), 2, 'received but not written: the blocks still hold their places')
    assert.equal(cids.slice(0, 2).flatMap(cid => network.entries(cid)).filter(entry => entry.endsWith('cancel')).length, 0, 'no CANCEL to the sender')
    // a disk behind for longer than the rebroadcast interval: the wants whose blocks came are not asked again
    await clock.advance(DEFAULT_CONFIG.rebroadcastInterval * 2)
    assert.deepEqual(cids.slice(0, 2).map(cid => network.entries(cid).length), [1, 1], 'each of the first two wants went out once')
    assert.equal(asked(), 2)

    store.release()
    await written
    await clock.advance(10)
    assert.equal(asked(), 4, 'written: their places go to the next wants')
    const rest = Promise.all([answer(2), answer(3)])
    store.release()
    await rest
    assert.equal((await Promise.all(fetching)).length, 4)
    client.stop()
  })

  it('sends the wants that refill the window with the message that freed the places, before any timer', async () => {
    // A fetcher with a backlog of replies on its socket runs every ready read before any timer: wants that waited
    // for a timer went out only once the whole backlog was taken in, and the sender sat idle meanwhile.
    const clock = new VirtualClock()
    const network = new FakeNetwork(clock)
    const client = clientFixture({ clock, network, config: { maxWantsInFlightPerPeer: 1 } })
    client.start()
    client.peerConnected('seed')
    const names = ['first', 'second']
    const cids = await Promise.all(names.map(cidOf))
    const session = client.createSession({ providers: ['seed'] })
    const fetching = cids.map(async cid => session.getBlock(cid))
    await clock.advance(10)
    assert.deepEqual(cids.map(cid => network.entries(cid).length), [1, 0], 'one want in flight, as the window allows')

    await client.messageReceived('seed', {
      blocks: [{ prefix: encodePrefixOf(cids[0]), data: new TextEncoder().encode(names[0]) }], presences: [], pendingBytes: 0, invalidEntries: 0
    })
    assert.deepEqual(network.entries(cids[1]), ['seed block'], 'the next want left without the clock moving')
    await client.messageReceived('seed', {
      blocks: [{ prefix: encodePrefixOf(cids[1]), data: new TextEncoder().encode(names[1]) }], presences: [], pendingBytes: 0, invalidEntries: 0
    })
    assert.equal((await Promise.all(fetching)).length, 2)
    client.stop()
  })
})
