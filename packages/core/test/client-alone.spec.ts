/*
 * The client half builds and runs with no server anywhere in its container: what it stores reaches the rest of
 * the node only through `onBlocksStored`, the hook the node wires to its server.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodePrefixOf, VirtualClock } from '../src/index.js'
import { clientFixture, mapStore } from './fixtures/client.js'
import { cidOf, FakeNetwork } from './fixtures/fake-network.js'

describe('BitswapClient without a server', () => {
  it('fetches, stores and reports the stored block through its one hook', async () => {
    const clock = new VirtualClock()
    const network = new FakeNetwork(clock)
    const store = mapStore()
    const client = clientFixture({ clock, network, store })
    const stored: string[] = []
    client.onBlocksStored = cids => { stored.push(...cids.map(String)) }

    client.start()
    client.peerConnected('seed')
    const data = new TextEncoder().encode('a block')
    const cid = await cidOf('a block')
    const fetching = client.want(cid)
    await clock.advance(10)
    assert.ok(network.entries(cid).length > 0, 'the want went out')
    await client.messageReceived('seed', { blocks: [{ prefix: encodePrefixOf(cid), data }], presences: [], pendingBytes: 0, invalidEntries: 0 })
    assert.deepEqual(await fetching, data)
    assert.deepEqual(store.keys(), [cid.toString()])
    assert.deepEqual(stored, [cid.toString()])
    client.stop()
  })
})
