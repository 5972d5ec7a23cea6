import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  blockstorePlugin, clockPlugin, createBitswap, factoryPlugin, MissingPluginError, PluginError, SystemClock,
  valuePlugin, VirtualClock, NullProviderFinder, type BitswapOptions, type PeerSelector, type Plugin,
  type ProviderFinder, type Startable
} from '@swapwright/core'
import { nodeParts, Tokens } from '@swapwright/core/internal'
import { MemoryBlockstore } from '@swapwright/stores'
import {
  ActiveWorkDecisionStrategy, AdaptiveRequestSplitter, FairDecisionStrategy, go2019, goDefaults, LatencyPeerSelector,
  OptimisticRequestSplitter, PresencePeerSelector, latencyPeerSelector
} from '@swapwright/strategies'
import { SimulatedNetwork } from '@swapwright/transports'
import { container as rootContainer } from 'tsyringe'
import { makeBlocks } from './util/blocks.js'

function sim (): SimulatedNetwork {
  return new SimulatedNetwork({ clock: new VirtualClock() })
}

/** What every node needs besides its policies: a network and a store. */
function base (name = 'a', network = sim()): Pick<BitswapOptions, 'network' | 'blockstore'> {
  return { network: network.plugin(name), blockstore: blockstorePlugin(new MemoryBlockstore()) }
}

const passThrough = (name: string): PeerSelector => ({
  name,
  forSession: () => ({ rank: (_cid, peers) => [...peers], observe: () => {} })
})

describe('createBitswap', () => {
  it('takes the Go policies as a preset spread into its options, and fills only the clock, random and finder itself', () => {
    const node = createBitswap({ ...base(), ...goDefaults() })
    const c = node.components
    assert.ok(c.requestSplitter instanceof OptimisticRequestSplitter)
    assert.ok(c.peerSelector instanceof PresencePeerSelector)
    assert.ok(c.decisionStrategy instanceof FairDecisionStrategy)
    assert.ok(c.blockstore instanceof MemoryBlockstore)
    assert.ok(c.clock instanceof SystemClock)
    assert.ok(c.providerFinder instanceof NullProviderFinder)
    assert.equal(typeof c.random.next, 'function')
    assert.equal(node.config.maxIncomingMessageSize, 4 * 1024 * 1024)
    assert.equal(c.config, node.config, 'plugins and the node read one configuration')
  })

  it('lets a user replace one strategy in five lines', () => {
    const reversed: PeerSelector = {
      name: 'reversed',
      forSession: () => ({ rank: (_cid, peers) => [...peers].reverse(), observe: () => {} })
    }
    const node = createBitswap({ ...base(), ...goDefaults(), peerSelector: valuePlugin('reversed', reversed) })

    assert.equal(node.components.peerSelector, reversed)
    assert.deepEqual(node.components.peerSelector.forSession({ sessionId: 1 }).rank(undefined as any, ['p1', 'p2', 'p3']), ['p3', 'p2', 'p1'])
    assert.ok(node.components.requestSplitter instanceof OptimisticRequestSplitter, 'the other slots keep the preset')
  })

  it('takes a preset, and a slot given on its own wins over the preset', () => {
    const node = createBitswap({ ...base(), preset: go2019() })
    assert.ok(node.components.requestSplitter instanceof AdaptiveRequestSplitter)
    assert.ok(node.components.peerSelector instanceof LatencyPeerSelector)
    assert.ok(node.components.decisionStrategy instanceof ActiveWorkDecisionStrategy)

    const own = factoryPlugin('fair-again', () => new FairDecisionStrategy({ next: () => 0.5 }))
    const mixed = createBitswap({ ...base('b'), preset: go2019(), decisionStrategy: own })
    assert.ok(mixed.components.decisionStrategy instanceof FairDecisionStrategy)
    assert.ok(mixed.components.peerSelector instanceof LatencyPeerSelector)
  })

  it('gives each node its own container: two nodes, two policies, nothing global', () => {
    const network = sim()
    const one = createBitswap({ ...base('one', network), ...goDefaults() })
    const two = createBitswap({ ...base('two', network), ...goDefaults(), peerSelector: latencyPeerSelector() })
    assert.ok(one.components.peerSelector instanceof PresencePeerSelector)
    assert.ok(two.components.peerSelector instanceof LatencyPeerSelector)
    assert.notEqual(one.components.random, two.components.random)
    assert.equal(rootContainer.isRegistered(Tokens.PeerSelector), false)
    assert.equal(rootContainer.isRegistered(Tokens.Network), false)
  })

  it('gives a factory the node\'s typed components, building what it reads first', () => {
    const clock = new VirtualClock({ start: 42 })
    const built: string[] = []
    const finder = factoryPlugin<ProviderFinder>('recording-finder', () => {
      built.push('providerFinder')
      return new NullProviderFinder()
    })
    const selector = factoryPlugin<PeerSelector & { seen: unknown[] }>('clock-aware', components => {
      const seen = [components.clock, components.providerFinder, components.config.maxWantsPerPeer]
      built.push('peerSelector')
      return { ...passThrough('clock-aware'), seen }
    })
    const node = createBitswap({
      ...base(), ...goDefaults(), clock: clockPlugin(clock), providerFinder: finder, peerSelector: selector, maxWantsPerPeer: 7
    })
    const seen = (node.components.peerSelector as unknown as { seen: unknown[] }).seen
    assert.deepEqual(seen, [clock, node.components.providerFinder, 7])
    assert.deepEqual(built, ['providerFinder', 'peerSelector'], 'each built once, the dependency first')
  })

  describe('fails at composition, naming the slot and the plugin', () => {
    it('when the network is missing', () => {
      assert.throws(() => createBitswap({} as any), (err: unknown) =>
        err instanceof MissingPluginError && err.slot === 'network' && /network/.test(err.message))
    })

    it('when the blockstore is missing, saying what to pass', () => {
      // A type error in TypeScript; JavaScript callers get this.
      assert.throws(() => createBitswap({ network: sim().plugin('a'), ...goDefaults() } as any), (err: unknown) =>
        err instanceof MissingPluginError && err.slot === 'blockstore' && /blockstorePlugin/.test(err.message))
    })

    it('when a policy is missing, pointing at the Go preset', () => {
      const { peerSelector: _left, ...two } = goDefaults()
      assert.throws(() => createBitswap({ ...base(), ...two }), (err: unknown) =>
        err instanceof MissingPluginError && err.slot === 'peerSelector' && /goDefaults\(\)/.test(err.message))
    })

    it('when a slot is given something that is not a plugin', () => {
      const selector = { name: 'bare', forSession: () => ({ rank: () => [], observe: () => {} }) }
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), peerSelector: selector as any }), (err: unknown) =>
        err instanceof PluginError && err.slot === 'peerSelector' && err.plugin === 'bare' && /not a plugin/.test(err.message))
    })

    it('when a slot is given a plugin of the old { register(container) } shape, saying what changed', () => {
      const old = { name: 'old-style', token: Symbol('x'), register: () => {} }
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), peerSelector: old as any }), (err: unknown) =>
        err instanceof PluginError && err.plugin === 'old-style' && /factory \(components\)/.test(err.message))
    })

    it('when a plugin for another role is given', () => {
      const wrong = valuePlugin('selector-as-strategy', passThrough('a-selector')) as unknown as Plugin<any>
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), decisionStrategy: wrong }), (err: unknown) =>
        err instanceof PluginError && err.slot === 'decisionStrategy' && err.plugin === 'selector-as-strategy' &&
        /DecisionStrategy without comparePeers\(\)/.test(err.message))
    })

    it('when a plugin\'s factory throws', () => {
      const failing = factoryPlugin<PeerSelector>('needs-config', () => { throw new Error('no config') })
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), peerSelector: failing }), (err: unknown) =>
        err instanceof PluginError && err.plugin === 'needs-config' && /failed to build: no config/.test(err.message) &&
        err.cause instanceof Error)
    })

    it('when a plugin it depends on throws: the failing one is named, not the one that asked', () => {
      const failing = factoryPlugin<ProviderFinder>('broken-finder', () => { throw new Error('no routing') })
      const asking = factoryPlugin<PeerSelector>('asks-finder', components => {
        void components.providerFinder
        return passThrough('asks-finder')
      })
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), providerFinder: failing, peerSelector: asking }), (err: unknown) =>
        err instanceof PluginError && err.slot === 'providerFinder' && err.plugin === 'broken-finder')
    })

    it('when plugins depend on each other in a circle', () => {
      const selector = factoryPlugin<PeerSelector>('needs-splitter', c => { void c.requestSplitter; return passThrough('x') })
      const splitter = factoryPlugin('needs-selector', c => { void c.peerSelector; return new OptimisticRequestSplitter() })
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), peerSelector: selector, requestSplitter: splitter }), (err: unknown) =>
        err instanceof PluginError && /depends on itself: (peerSelector → requestSplitter → peerSelector|requestSplitter → peerSelector → requestSplitter)/.test(err.message))
    })

    it('when a plugin builds something that is not its role', () => {
      const hollow = valuePlugin('hollow', { name: 'hollow', comparePeers: () => 0 } as any)
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), decisionStrategy: hollow }), (err: unknown) =>
        err instanceof PluginError && err.plugin === 'hollow' && /compareTasks\(\), answerWantHave\(\), evict\(\)/.test(err.message))
    })

    it('when a limit is out of range', () => {
      assert.throws(() => createBitswap({ ...base(), ...goDefaults(), maxIncomingMessageSize: 0 }), RangeError)
      assert.throws(() => createBitswap({ ...base('b'), ...goDefaults(), maxOutgoingMessageSize: 8e6 }), /cannot exceed/)
    })
  })

  it('starts and stops the network with the node, and counts what arrives', async () => {
    const clock = new VirtualClock()
    const network = new SimulatedNetwork({ clock, latency: 5 })
    const a = createBitswap({ ...base('a', network), ...goDefaults(), clock: clockPlugin(clock) })
    const b = createBitswap({ ...base('b', network), ...goDefaults(), clock: clockPlugin(clock) })
    await a.start()
    await b.start()
    await a.components.network.connect('b')
    assert.equal(b.stats().peers, 1)
    await a.components.network.send('b', { blocks: [], presences: [], pendingBytes: 0, wantlist: { entries: [], full: true } })
    await clock.runUntilIdle()
    assert.equal(b.stats().messagesReceived, 1)
    await a.stop()
    assert.equal(b.stats().peers, 0)
    assert.equal(a.isStarted, false)
  })
})

describe('createBitswap: plugins with a lifecycle', () => {
  /** A provider finder and a peer selector that log their starts and stops; the selector depends on the finder. */
  function lifecycle (log: string[], failStart?: string): Pick<BitswapOptions, 'providerFinder' | 'peerSelector'> {
    const startable = (name: string): Startable => ({
      start: () => {
        if (name === failStart) throw new Error(`${name} cannot start`)
        log.push(`start ${name}`)
      },
      stop: () => { log.push(`stop ${name}`) }
    })
    return {
      providerFinder: factoryPlugin('finder', () => ({ ...new NullProviderFinder(), findProviders: async function * () {}, provide: async () => {}, ...startable('finder') })),
      peerSelector: factoryPlugin('selector', components => {
        void components.providerFinder
        return { ...passThrough('selector'), ...startable('selector') }
      })
    }
  }

  it('starts them in dependency order before the node serves, and stops them in reverse after it stopped', async () => {
    const log: string[] = []
    const node = createBitswap({ ...base(), ...goDefaults(), ...lifecycle(log) })
    assert.deepEqual(log, [], 'building starts nothing')
    await node.start()
    assert.deepEqual(log, ['start finder', 'start selector'])
    await node.stop()
    assert.deepEqual(log, ['start finder', 'start selector', 'stop selector', 'stop finder'])
    await node.start()
    assert.deepEqual(log.slice(4), ['start finder', 'start selector'], 'a node started again starts them again')
    await node.stop()
  })

  it('stops those already started when one fails to start, and the node stays stopped', async () => {
    const log: string[] = []
    const node = createBitswap({ ...base(), ...goDefaults(), ...lifecycle(log, 'selector') })
    await assert.rejects(node.start(), /selector cannot start/)
    assert.deepEqual(log, ['start finder', 'stop finder'])
    assert.equal(node.isStarted, false)
  })

  it('leaves an object handed over with valuePlugin to its owner', async () => {
    const log: string[] = []
    const shared = { ...passThrough('shared'), start: () => { log.push('start') }, stop: () => { log.push('stop') } }
    const node = createBitswap({ ...base(), ...goDefaults(), peerSelector: valuePlugin('shared', shared) })
    await node.start()
    await node.stop()
    assert.deepEqual(log, [])
  })
})

describe('createBitswap: the node wires its halves', () => {
  it('hands blocks the client stored to the server through the one hook, so a waiting peer is served', async () => {
    const clock = new VirtualClock()
    const network = new SimulatedNetwork({ clock, latency: 5 })
    const [block] = await makeBlocks(1, 1000, 71)
    const fetcherStore = new MemoryBlockstore()
    const seed = createBitswap({ ...base('seed', network), ...goDefaults(), clock: clockPlugin(clock) })
    const fetcher = createBitswap({ network: network.plugin('fetcher'), blockstore: blockstorePlugin(fetcherStore), ...goDefaults(), clock: clockPlugin(clock) })
    const third = createBitswap({ ...base('third', network), ...goDefaults(), clock: clockPlugin(clock) })
    for (const node of [seed, fetcher, third]) await node.start()
    // A line: third - fetcher - seed. Only the fetcher can ever give the third node the block.
    await third.components.network.connect('fetcher')
    await fetcher.components.network.connect('seed')
    const senders: string[] = []
    third.addEventListener('block:received', event => { senders.push(event.detail.peer) })
    // The third node asks the fetcher, which lacks the block: the want waits in the fetcher's server ledger.
    const waiting = third.createSession({ providers: ['fetcher'] }).getBlock(block.cid)
    await clock.advance(200)
    assert.equal(nodeParts(fetcher).server.wantlist('third').length, 1)
    await seed.components.blockstore.put(block.cid, block.data)
    await clock.run(async () => fetcher.want(block.cid))
    assert.equal(await fetcherStore.has(block.cid), true)
    const got = await clock.run(async () => waiting)
    assert.ok(Buffer.from(got).equals(Buffer.from(block.data)))
    assert.deepEqual(senders, ['fetcher'], 'the fetcher\'s server pushed the block its client stored')
    for (const node of [seed, fetcher, third]) await node.stop()
  })
})
