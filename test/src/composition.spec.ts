import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  classPlugin, clockPlugin, createBitswap, factoryPlugin, MissingPluginError, PluginError, SystemClock, Tokens,
  valuePlugin, VirtualClock, NullProviderFinder, type Clock, type PeerSelector, type Plugin
} from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import {
  ActiveWorkDecisionStrategy, AdaptiveRequestSplitter, FairDecisionStrategy, go2019, LatencyPeerSelector,
  OptimisticRequestSplitter, PresencePeerSelector, latencyPeerSelector
} from '@swapwright/strategies'
import { SimulatedNetwork } from '@swapwright/transports'
import { container as rootContainer, inject, injectable } from 'tsyringe'

function sim (): SimulatedNetwork {
  return new SimulatedNetwork({ clock: new VirtualClock() })
}

describe('createBitswap', () => {
  it('fills every slot it is not given with the shipped default', async () => {
    const node = await createBitswap({ network: sim().plugin('a') })
    const c = node.components
    assert.ok(c.requestSplitter instanceof OptimisticRequestSplitter)
    assert.ok(c.peerSelector instanceof PresencePeerSelector)
    assert.ok(c.decisionStrategy instanceof FairDecisionStrategy)
    assert.ok(c.blockstore instanceof MemoryBlockstore)
    assert.ok(c.clock instanceof SystemClock)
    assert.ok(c.providerFinder instanceof NullProviderFinder)
    assert.equal(node.config.maxIncomingMessageSize, 4 * 1024 * 1024)
  })

  it('lets a user replace one strategy in five lines', async () => {
    const reversed: PeerSelector = {
      name: 'reversed',
      forSession: () => ({ rank: (_cid, peers) => [...peers].reverse(), observe: () => {} })
    }
    const node = await createBitswap({ network: sim().plugin('a'), peerSelector: valuePlugin('reversed', Tokens.PeerSelector, reversed) })

    assert.equal(node.components.peerSelector, reversed)
    assert.deepEqual(node.components.peerSelector.forSession({ sessionId: 1 }).rank(undefined as any, ['p1', 'p2', 'p3']), ['p3', 'p2', 'p1'])
    assert.ok(node.components.requestSplitter instanceof OptimisticRequestSplitter, 'the other slots keep their defaults')
  })

  it('takes a preset, and a slot given on its own wins over the preset', async () => {
    const node = await createBitswap({ network: sim().plugin('a'), preset: go2019() })
    assert.ok(node.components.requestSplitter instanceof AdaptiveRequestSplitter)
    assert.ok(node.components.peerSelector instanceof LatencyPeerSelector)
    assert.ok(node.components.decisionStrategy instanceof ActiveWorkDecisionStrategy)

    const own = factoryPlugin('fair-again', Tokens.DecisionStrategy, () => new FairDecisionStrategy({ next: () => 0.5 }))
    const mixed = await createBitswap({ network: sim().plugin('b'), preset: go2019(), decisionStrategy: own })
    assert.ok(mixed.components.decisionStrategy instanceof FairDecisionStrategy)
    assert.ok(mixed.components.peerSelector instanceof LatencyPeerSelector)
  })

  it('gives each node its own container: two nodes, two policies, nothing global', async () => {
    const network = sim()
    const one = await createBitswap({ network: network.plugin('one') })
    const two = await createBitswap({ network: network.plugin('two'), peerSelector: latencyPeerSelector() })
    assert.ok(one.components.peerSelector instanceof PresencePeerSelector)
    assert.ok(two.components.peerSelector instanceof LatencyPeerSelector)
    assert.notEqual(one.components.blockstore, two.components.blockstore)
    assert.equal(rootContainer.isRegistered(Tokens.PeerSelector), false)
    assert.equal(rootContainer.isRegistered(Tokens.Network), false)
  })

  it('injects the node\'s own components into a class plugin', async () => {
    @injectable()
    class ClockAwareSelector implements PeerSelector {
      readonly name = 'clock-aware'
      constructor (@inject(Tokens.Clock) readonly clock: Clock) {}
      forSession (): ReturnType<PeerSelector['forSession']> {
        return { rank: (_cid, peers) => [...peers], observe: () => {} }
      }
    }
    const clock = new VirtualClock({ start: 42 })
    const node = await createBitswap({
      network: sim().plugin('a'),
      clock: clockPlugin(clock),
      peerSelector: classPlugin('clock-aware', Tokens.PeerSelector, ClockAwareSelector)
    })
    assert.equal((node.components.peerSelector as ClockAwareSelector).clock, clock)
  })

  describe('fails at start, naming the slot and the plugin', () => {
    it('when the network is missing', async () => {
      await assert.rejects(createBitswap({} as any), (err: unknown) =>
        err instanceof MissingPluginError && err.slot === 'network' && /network/.test(err.message))
    })

    it('when a slot is given something that is not a plugin', async () => {
      const selector = { name: 'bare', forSession: () => ({ rank: () => [], observe: () => {} }) }
      await assert.rejects(createBitswap({ network: sim().plugin('a'), peerSelector: selector as any }), (err: unknown) =>
        err instanceof PluginError && err.slot === 'peerSelector' && err.plugin === 'bare' && /not a plugin/.test(err.message))
    })

    it('when a plugin is given for the wrong slot', async () => {
      const selector: PeerSelector = { name: 'a-selector', forSession: () => ({ rank: () => [], observe: () => {} }) }
      const wrong = valuePlugin('selector-as-splitter', Tokens.PeerSelector, selector) as unknown as Plugin<any>
      await assert.rejects(createBitswap({ network: sim().plugin('a'), requestSplitter: wrong }), (err: unknown) =>
        err instanceof PluginError && err.slot === 'requestSplitter' && err.plugin === 'selector-as-splitter')
    })

    it('when a plugin throws while registering', async () => {
      const throwing: Plugin<PeerSelector> = { name: 'explodes', token: Tokens.PeerSelector, register: () => { throw new Error('boom') } }
      await assert.rejects(createBitswap({ network: sim().plugin('a'), peerSelector: throwing }), (err: unknown) =>
        err instanceof PluginError && err.plugin === 'explodes' && /failed to register: boom/.test(err.message))
    })

    it('when a plugin\'s factory throws while resolving', async () => {
      const failing = factoryPlugin<PeerSelector>('needs-config', Tokens.PeerSelector, () => { throw new Error('no config') })
      await assert.rejects(createBitswap({ network: sim().plugin('a'), peerSelector: failing }), (err: unknown) =>
        err instanceof PluginError && err.plugin === 'needs-config' && /failed to resolve: no config/.test(err.message))
    })

    it('when a plugin resolves to something that is not its role', async () => {
      const hollow = valuePlugin('hollow', Tokens.DecisionStrategy, { name: 'hollow', comparePeers: () => 0 } as any)
      await assert.rejects(createBitswap({ network: sim().plugin('a'), decisionStrategy: hollow }), (err: unknown) =>
        err instanceof PluginError && err.plugin === 'hollow' && /compareTasks\(\), answerWantHave\(\), evict\(\)/.test(err.message))
    })

    it('when a limit is out of range', async () => {
      await assert.rejects(createBitswap({ network: sim().plugin('a'), maxIncomingMessageSize: 0 }), RangeError)
      await assert.rejects(createBitswap({ network: sim().plugin('b'), maxOutgoingMessageSize: 8e6 }), /cannot exceed/)
    })
  })

  it('starts and stops the network with the node, and counts what arrives', async () => {
    const clock = new VirtualClock()
    const network = new SimulatedNetwork({ clock, latency: 5 })
    const a = await createBitswap({ network: network.plugin('a'), clock: clockPlugin(clock) })
    const b = await createBitswap({ network: network.plugin('b'), clock: clockPlugin(clock) })
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

describe('createBitswap: one of each part per node', () => {
  it('the client and the node share one server engine', async () => {
    const node = await createBitswap({ network: new SimulatedNetwork({ clock: new VirtualClock() }).plugin('solo') })
    assert.equal((node.client as unknown as { server: unknown }).server, node.server)
  })
})
