/*
 * The client half builds and runs with no server anywhere in its container: what it stores reaches the rest of
 * the node only through `onBlocksStored`, the hook the node wires to its server.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultLogger } from '@libp2p/logger'
import {
  commonHashers, DEFAULT_CONFIG, encodePrefixOf, EveryPeerBroadcast, HasherRegistry, NullProviderFinder, SeededRandom, VirtualClock,
  type Blockstore
} from '../src/index.js'
import { BitswapClient, DecisionEngine, GuardedTokens, Tokens } from '../src/internal.js'
import { cidOf, FakeNetwork, givenOrder, oneBlockTarget } from './fixtures/fake-network.js'
import { container } from 'tsyringe'
import type { CID } from 'multiformats/cid'

/** The three calls the client makes on a store, over a Map. */
function mapStore (): Blockstore & { keys: () => string[] } {
  const blocks = new Map<string, Uint8Array>()
  return {
    has: (cid: CID) => blocks.has(cid.toString()),
    get: (cid: CID) => {
      const bytes = blocks.get(cid.toString())
      if (bytes == null) throw Object.assign(new Error('not found'), { name: 'NotFoundError' })
      return bytes
    },
    put: (cid: CID, bytes: Uint8Array) => { blocks.set(cid.toString(), bytes); return cid },
    keys: () => [...blocks.keys()]
  } as unknown as Blockstore & { keys: () => string[] }
}

describe('BitswapClient without a server', () => {
  it('fetches, stores and reports the stored block through its one hook', async () => {
    const clock = new VirtualClock()
    const network = new FakeNetwork(clock)
    const store = mapStore()
    const own = container.createChildContainer()
    own.register(Tokens.Network, { useValue: network })
    own.register(Tokens.Blockstore, { useValue: store })
    own.register(Tokens.Clock, { useValue: clock })
    own.register(Tokens.Random, { useValue: new SeededRandom(1) })
    own.register(Tokens.ProviderFinder, { useValue: new NullProviderFinder() })
    own.register(Tokens.Config, { useValue: DEFAULT_CONFIG })
    own.register(Tokens.Logger, { useValue: defaultLogger() })
    own.register(GuardedTokens.RequestSplitter, { useValue: oneBlockTarget() })
    own.register(GuardedTokens.PeerSelector, { useValue: givenOrder })
    own.register(GuardedTokens.BroadcastPolicy, { useValue: new EveryPeerBroadcast() })
    own.register(HasherRegistry, { useValue: new HasherRegistry(commonHashers()) })
    // Were the client to ask for a server, resolving it would fail here.
    own.register(DecisionEngine, { useFactory: () => { throw new Error('the client asked for a server') } })
    const client = own.resolve(BitswapClient)
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
