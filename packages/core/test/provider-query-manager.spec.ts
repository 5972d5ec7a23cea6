import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultLogger } from '@libp2p/logger'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  DEFAULT_CONFIG, resolveConfig, VirtualClock, type AbortOptions, type BitswapConfig, type BitswapMessage,
  type BitswapNetwork, type Clock, type LinkStats, type NetworkHandler, type PeerKey, type ProtocolVersion,
  type ProviderFinder, type ProviderRecord
} from '../src/index.js'
import { ProviderQueryManager, Tokens } from '../src/internal.js'
// After core, which loads the reflect-metadata polyfill tsyringe needs.
import { container } from 'tsyringe'

/** One step of a scripted lookup: after `after` ms (from the previous step), yield a value or throw. */
type Step = { after: number, record: unknown } | { after: number, error: Error }

/** Routing that answers from a script, in virtual time, and honours the lookup's signal like a real DHT query. */
class ScriptedFinder implements ProviderFinder {
  readonly name = 'scripted-finder'
  readonly calls: Array<{ cid: string, at: number }> = []
  readonly aborted: Array<{ cid: string, at: number }> = []
  readonly provided: string[] = []
  active = 0
  maxActive = 0
  private readonly clock: Clock
  private readonly script: (cid: CID) => Step[]

  constructor (clock: Clock, script: (cid: CID) => Step[]) {
    this.clock = clock
    this.script = script
  }

  async * findProviders (cid: CID, options: AbortOptions = {}): AsyncIterable<ProviderRecord> {
    this.calls.push({ cid: cid.toString(), at: this.clock.now() })
    this.maxActive = Math.max(this.maxActive, ++this.active)
    try {
      for (const step of this.script(cid)) {
        await this.clock.sleep(step.after, options)
        if ('error' in step) throw step.error
        yield step.record as ProviderRecord
      }
    } finally {
      this.active--
      if (options.signal?.aborted === true) this.aborted.push({ cid: cid.toString(), at: this.clock.now() })
    }
  }

  async provide (cid: CID, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    this.provided.push(cid.toString())
  }
}

/** A network whose dials take `dialDelay` virtual ms and fail for the peers named unreachable. */
class FakeNetwork implements BitswapNetwork {
  readonly name = 'fake-network'
  readonly self = 'self'
  readonly dialled: PeerKey[] = []
  maxDialing = 0
  private dialing = 0
  private readonly clock: Clock
  private readonly dialDelay: number
  private readonly unreachable: Set<PeerKey>
  private readonly links = new Map<PeerKey, { version: ProtocolVersion, stats: LinkStats }>()
  private handler: NetworkHandler | undefined

  constructor (clock: Clock, init: { dialDelay?: number, unreachable?: PeerKey[] } = {}) {
    this.clock = clock
    this.dialDelay = init.dialDelay ?? 10
    this.unreachable = new Set(init.unreachable)
  }

  async start (handler: NetworkHandler): Promise<void> {
    this.handler = handler
  }

  async stop (): Promise<void> {
    for (const peer of [...this.links.keys()]) await this.disconnect(peer)
    this.handler = undefined
  }

  async send (peer: PeerKey, _message: BitswapMessage, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const link = this.links.get(peer)
    if (link === undefined) throw new Error(`not connected to ${peer}`)
    link.stats.messagesSent++
  }

  async connect (target: PeerKey | ProviderRecord, options: AbortOptions = {}): Promise<ProtocolVersion> {
    const peer = typeof target === 'string' ? target : target.peer
    this.dialled.push(peer)
    this.maxDialing = Math.max(this.maxDialing, ++this.dialing)
    try {
      await this.clock.sleep(this.dialDelay, options)
      if (this.unreachable.has(peer)) throw new Error(`${peer} is unreachable`)
      if (!this.links.has(peer)) {
        this.links.set(peer, { version: '1.2.0', stats: { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 } })
        this.handler?.onPeerConnected(peer, '1.2.0')
      }
      return '1.2.0'
    } finally {
      this.dialing--
    }
  }

  async disconnect (peer: PeerKey): Promise<void> {
    if (this.links.delete(peer)) this.handler?.onPeerDisconnected(peer)
  }

  version (peer: PeerKey): ProtocolVersion | undefined {
    return this.links.get(peer)?.version
  }

  connectedPeers (): PeerKey[] {
    return [...this.links.keys()]
  }

  latency (): number | undefined {
    return undefined
  }

  stats (peer: PeerKey): LinkStats | undefined {
    const stats = this.links.get(peer)?.stats
    return stats === undefined ? undefined : { ...stats }
  }
}

async function cidOf (name: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(name)))
}

function record (peer: PeerKey): ProviderRecord {
  return { peer, addresses: ['/ip4/10.0.0.1/tcp/4001'] }
}

/** Steps yielding `peers`, each `gap` ms after the one before. */
function every (gap: number, peers: PeerKey[]): Step[] {
  return peers.map(peer => ({ after: gap, record: record(peer) }))
}

function setup (init: {
  script: (cid: CID) => Step[]
  config?: Partial<BitswapConfig>
  network?: { dialDelay?: number, unreachable?: PeerKey[] }
  finder?: ProviderFinder
}): { clock: VirtualClock, finder: ScriptedFinder, network: FakeNetwork, manager: ProviderQueryManager } {
  const clock = new VirtualClock()
  const finder = new ScriptedFinder(clock, init.script)
  const network = new FakeNetwork(clock, init.network)
  const manager = new ProviderQueryManager(init.finder ?? finder, network, clock, resolveConfig(init.config))
  return { clock, finder, network, manager }
}

async function collect (providers: AsyncIterable<PeerKey>, onEach?: (peer: PeerKey) => void): Promise<PeerKey[]> {
  const found: PeerKey[] = []
  for await (const peer of providers) {
    found.push(peer)
    onEach?.(peer)
  }
  return found
}

describe('ProviderQueryManager', () => {
  it('ships the Go client defaults', () => {
    assert.equal(DEFAULT_CONFIG.providerQueryConcurrency, 8)
    assert.equal(DEFAULT_CONFIG.providerQueryTimeout, 10_000)
    assert.equal(DEFAULT_CONFIG.maxProvidersPerQuery, 10)
    assert.equal(DEFAULT_CONFIG.providerDialConcurrency, 16)
    assert.throws(() => resolveConfig({ providerQueryConcurrency: 0 }), RangeError)
  })

  it('shares one lookup between concurrent callers for the same CID', async () => {
    const t = setup({ script: () => every(100, ['p1', 'p2', 'p3']) })
    const cid = await cidOf('x')
    const results = await t.clock.run(Promise.all(Array.from({ length: 5 }, async () => collect(t.manager.findProviders(cid)))))
    assert.equal(t.finder.calls.length, 1)
    for (const found of results) assert.deepEqual(found, ['p1', 'p2', 'p3'])
    const stats = t.manager.stats()
    assert.equal(stats.lookupsStarted, 1)
    assert.equal(stats.providersFound, 3)
    assert.equal(stats.inFlight, 0)
  })

  it('gives a late caller the providers found so far at once, then the live ones', async () => {
    const t = setup({ script: () => every(100, ['p1']).concat(every(400, ['p2'])) })
    const cid = await cidOf('x')
    const first = collect(t.manager.findProviders(cid))
    await t.clock.advance(200)
    const seen: Array<{ peer: PeerKey, at: number }> = []
    const late = collect(t.manager.findProviders(cid), peer => seen.push({ peer, at: t.clock.now() }))
    const [early] = await t.clock.run(Promise.all([first, late]))
    assert.deepEqual(early, ['p1', 'p2'])
    assert.deepEqual(seen, [{ peer: 'p1', at: 200 }, { peer: 'p2', at: 510 }])
    assert.equal(t.finder.calls.length, 1)
  })

  it('ends only the aborting caller\'s iteration; the lookup goes on for the others', async () => {
    const t = setup({ script: () => every(100, ['p1', 'p2', 'p3']) })
    const cid = await cidOf('x')
    const controller = new AbortController()
    t.clock.setTimeout(() => { controller.abort() }, 150)
    let leftAt = -1
    const leaving = collect(t.manager.findProviders(cid, { signal: controller.signal })).then(found => {
      leftAt = t.clock.now()
      return found
    })
    const staying = collect(t.manager.findProviders(cid))
    const [left, stayed] = await t.clock.run(Promise.all([leaving, staying]))
    assert.deepEqual(left, ['p1'])
    assert.equal(leftAt, 150, 'the abort ends the iteration while it waits, not at the next provider')
    assert.deepEqual(stayed, ['p1', 'p2', 'p3'])
    assert.deepEqual(t.finder.aborted, [])
    assert.equal(t.finder.calls.length, 1)
  })

  it('aborts the lookup once every caller has left, and starts afresh for the next one', async () => {
    const t = setup({ script: () => every(100, ['p1']).concat(every(5000, ['p2'])) })
    const cid = await cidOf('x')
    const first = new AbortController()
    const second = new AbortController()
    t.clock.setTimeout(() => { first.abort() }, 150)
    t.clock.setTimeout(() => { second.abort() }, 200)
    const results = await t.clock.run(Promise.all([
      collect(t.manager.findProviders(cid, { signal: first.signal })),
      collect(t.manager.findProviders(cid, { signal: second.signal }))
    ]))
    assert.deepEqual(results, [['p1'], ['p1']])
    await t.clock.advance(0)
    assert.deepEqual(t.finder.aborted, [{ cid: cid.toString(), at: 200 }])
    assert.equal(t.manager.stats().inFlight, 0)
    assert.equal(t.clock.pending, 0, 'the lookup\'s timeout and the finder\'s wait are gone')
    assert.deepEqual(await t.clock.run(collect(t.manager.findProviders(cid))), ['p1', 'p2'])
    assert.equal(t.finder.calls.length, 2)
  })

  it('does nothing for a caller whose signal is already aborted', async () => {
    const t = setup({ script: () => every(100, ['p1']) })
    const found = await collect(t.manager.findProviders(await cidOf('x'), { signal: AbortSignal.abort() }))
    assert.deepEqual(found, [])
    assert.equal(t.finder.calls.length, 0)
  })

  it('runs at most 8 lookups at once; the others start in arrival order as slots free up', async () => {
    const t = setup({ script: cid => every(1000, [`provider-of-${cid.toString().slice(-6)}`]) })
    const cids = await Promise.all(Array.from({ length: 10 }, async (_, i) => cidOf(`cid-${i}`)))
    const all = Promise.all(cids.map(async cid => collect(t.manager.findProviders(cid))))
    await t.clock.advance(0)
    assert.equal(t.finder.calls.length, 8)
    assert.deepEqual({ ...t.manager.stats(), timeouts: 0 }, {
      lookupsStarted: 8, inFlight: 8, queued: 2, providersFound: 0, dialFailures: 0, timeouts: 0, finderErrors: 0
    })
    const results = await t.clock.run(all)
    assert.ok(results.every(found => found.length === 1))
    assert.equal(t.finder.maxActive, 8)
    assert.deepEqual(t.finder.calls.map(call => call.cid), cids.map(cid => cid.toString()))
    assert.deepEqual(t.finder.calls.slice(8).map(call => call.at), [1010, 1010], 'the 9th waited for the first to end')
  })

  it('gives up on a lookup after 10 s, keeping what it found', async () => {
    const t = setup({ script: () => every(100, ['p1']).concat(every(20_000, ['p2'])) })
    const cid = await cidOf('x')
    const found = await t.clock.run(collect(t.manager.findProviders(cid)))
    assert.deepEqual(found, ['p1'])
    assert.equal(t.clock.now(), 10_000)
    assert.equal(t.manager.stats().timeouts, 1)
    await t.clock.advance(0)
    assert.deepEqual(t.finder.aborted, [{ cid: cid.toString(), at: 10_000 }])
  })

  it('stops at maxProvidersPerQuery providers and lets the finder go', async () => {
    const peers = Array.from({ length: 15 }, (_, i) => `p${i}`)
    const t = setup({ script: () => every(10, peers), config: { maxProvidersPerQuery: 10 } })
    const found = await t.clock.run(collect(t.manager.findProviders(await cidOf('x'))))
    assert.deepEqual(found, peers.slice(0, 10))
    assert.equal(t.clock.now(), 110, 'it ended with the tenth provider, not at the timeout')
    assert.equal(t.manager.stats().providersFound, 10)
    assert.equal(t.manager.stats().timeouts, 0)
    await t.clock.advance(0)
    assert.equal(t.finder.active, 0, 'the finder\'s iteration was closed')
    assert.equal(t.clock.pending, 0)
  })

  it('never has more dials in flight for a lookup than providers it still needs', async () => {
    const peers = Array.from({ length: 20 }, (_, i) => `p${i}`)
    const t = setup({
      script: () => every(0, peers),
      config: { maxProvidersPerQuery: 3 },
      network: { dialDelay: 100, unreachable: ['p1'] }
    })
    const found = await t.clock.run(collect(t.manager.findProviders(await cidOf('x'))))
    assert.deepEqual(found, ['p0', 'p2', 'p3'])
    assert.deepEqual(t.network.dialled, ['p0', 'p1', 'p2', 'p3'], 'p3 was dialled only once p1 had failed')
  })

  it('bounds dials in flight over all lookups', async () => {
    const t = setup({
      script: cid => every(0, Array.from({ length: 10 }, (_, i) => `${cid.toString().slice(-4)}-${i}`)),
      config: { providerDialConcurrency: 4 },
      network: { dialDelay: 50 }
    })
    const cids = await Promise.all([cidOf('a'), cidOf('b'), cidOf('c')])
    const results = await t.clock.run(Promise.all(cids.map(async cid => collect(t.manager.findProviders(cid)))))
    assert.deepEqual(results.map(found => found.length), [10, 10, 10])
    assert.equal(t.network.maxDialing, 4)
  })

  it('reports a provider only once it is dialled, and drops the undialable ones', async () => {
    const t = setup({ script: () => every(100, ['p1', 'p2', 'p3', 'p4', 'p5']), network: { unreachable: ['p2', 'p4'] } })
    const connectedOnReceipt: boolean[] = []
    const found = await t.clock.run(collect(t.manager.findProviders(await cidOf('x')), peer => {
      connectedOnReceipt.push(t.network.version(peer) !== undefined)
    }))
    assert.deepEqual(found, ['p1', 'p3', 'p5'])
    assert.deepEqual(connectedOnReceipt, [true, true, true])
    assert.deepEqual(t.network.dialled, ['p1', 'p2', 'p3', 'p4', 'p5'])
    assert.equal(t.manager.stats().dialFailures, 2)
  })

  it('dials each peer once, and never itself', async () => {
    const t = setup({ script: () => every(10, ['p1', 'self', 'p1', 'p2']) })
    const found = await t.clock.run(collect(t.manager.findProviders(await cidOf('x'))))
    assert.deepEqual(found, ['p1', 'p2'])
    assert.deepEqual(t.network.dialled, ['p1', 'p2'])
  })

  it('survives a finder that throws midway: the lookup ends, the error is counted', async () => {
    const t = setup({
      script: cid => cid.toString() === broken.toString()
        ? [...every(100, ['p1']), { after: 100, error: new Error('routing table exploded') }]
        : every(100, ['q1'])
    })
    const broken = await cidOf('broken')
    const found = await t.clock.run(collect(t.manager.findProviders(broken)))
    assert.deepEqual(found, ['p1'])
    assert.equal(t.manager.stats().finderErrors, 1)
    assert.deepEqual(await t.clock.run(collect(t.manager.findProviders(await cidOf('fine')))), ['q1'])
  })

  it('survives a finder that yields garbage', async () => {
    const garbage: unknown[] = [null, 'p1', { peer: 42, addresses: [] }, { peer: 'p1' }, { peer: 'p1', addresses: [7] }]
    for (const value of garbage) {
      const t = setup({ script: () => [...every(10, ['good']), { after: 10, record: value }, ...every(10, ['never'])] })
      const found = await t.clock.run(collect(t.manager.findProviders(await cidOf('x'))))
      assert.deepEqual(found, ['good'], `after ${JSON.stringify(value)}`)
      assert.equal(t.manager.stats().finderErrors, 1)
      assert.deepEqual(t.network.dialled, ['good'])
    }
  })

  it('survives a finder that throws at once or returns something that is not an async iterable', async () => {
    const broken: ProviderFinder[] = [
      { name: 'throws', findProviders: () => { throw new Error('no routing') }, provide: async () => {} },
      { name: 'not-iterable', findProviders: () => Promise.resolve([]) as unknown as AsyncIterable<ProviderRecord>, provide: async () => {} }
    ]
    for (const finder of broken) {
      const t = setup({ script: () => [], finder })
      const found = await t.clock.run(collect(t.manager.findProviders(await cidOf('x'))))
      assert.deepEqual(found, [], finder.name)
      assert.equal(t.manager.stats().finderErrors, 1, finder.name)
      assert.equal(t.manager.stats().inFlight, 0, finder.name)
    }
  })

  it('stop() aborts every lookup, running or queued, and ends every iteration at once', async () => {
    const t = setup({ script: () => every(100, ['p1']).concat(every(1000, ['p2'])), config: { providerQueryConcurrency: 1 } })
    const [a, b] = await Promise.all([cidOf('a'), cidOf('b')])
    const all = Promise.all([collect(t.manager.findProviders(a)), collect(t.manager.findProviders(a)), collect(t.manager.findProviders(b))])
    await t.clock.advance(150)
    assert.deepEqual(t.manager.stats().queued, 1)
    t.manager.stop()
    const stoppedAt = t.clock.now()
    assert.deepEqual(await t.clock.run(all), [['p1'], ['p1'], []])
    assert.equal(t.clock.now(), stoppedAt, 'no virtual time had to pass')
    assert.equal(t.clock.pending, 0)
    const stats = t.manager.stats()
    assert.equal(stats.inFlight, 0)
    assert.equal(stats.queued, 0)
    assert.deepEqual(t.finder.calls.map(call => call.cid), [a.toString()], 'the queued lookup never started')
    assert.deepEqual(t.finder.aborted.map(call => call.cid), [a.toString()])

    assert.deepEqual(await t.clock.run(collect(t.manager.findProviders(b))), [], 'stopped: nothing is looked up')
    assert.equal(t.finder.calls.length, 1)
    t.manager.start()
    assert.deepEqual(await t.clock.run(collect(t.manager.findProviders(b))), ['p1', 'p2'])
  })

  it('stop() drops providers a caller has not taken yet', async () => {
    const t = setup({ script: () => every(100, ['p1', 'p2', 'p3']) })
    const cid = await cidOf('x')
    const running = collect(t.manager.findProviders(cid))
    await t.clock.advance(250)
    const slow = t.manager.findProviders(cid)[Symbol.asyncIterator]()
    assert.deepEqual(await slow.next(), { done: false, value: 'p1' })
    t.manager.stop()
    assert.deepEqual(await slow.next(), { done: true, value: undefined }, 'p2 was found but is not handed out')
    assert.deepEqual(await t.clock.run(running), ['p1', 'p2'])
  })

  it('resolves from a container with every dependency injected by token', async () => {
    const clock = new VirtualClock()
    const child = container.createChildContainer()
    child.register(Tokens.ProviderFinder, { useValue: new ScriptedFinder(clock, () => every(10, ['p1'])) })
    child.register(Tokens.Network, { useValue: new FakeNetwork(clock) })
    child.register(Tokens.Clock, { useValue: clock })
    child.register(Tokens.Config, { useValue: resolveConfig({ maxProvidersPerQuery: 1 }) })
    child.register(Tokens.Logger, { useValue: defaultLogger() })
    const manager = child.resolve(ProviderQueryManager)
    assert.deepEqual(await clock.run(collect(manager.findProviders(await cidOf('x')))), ['p1'])
    assert.equal(manager.stats().providersFound, 1)
  })
})
