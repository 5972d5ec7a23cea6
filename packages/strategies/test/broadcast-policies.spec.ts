import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock, type BroadcastPeerView, type BroadcastPolicy, type BroadcastRequest, type PeerKey, type Plugin } from '@swapwright/core'
import { adaptiveBroadcast, AdaptiveBroadcast, boxo2025, boxoBroadcastControl, broadcastAll, goDefaults, memoryScoreStore } from '../src/index.js'
import { cidOf, peerNames, resolvePlugin, seeded, silentLogger } from './fixtures.js'

function view (peer: PeerKey, fields: Partial<BroadcastPeerView> = {}): BroadcastPeerView {
  return { peer, connectedAt: 0, blocksReceived: 0, havesReceived: 0, lastUsefulAt: undefined, local: false, peered: false, pending: false, latencyMs: undefined, ...fields }
}

function request (peers: BroadcastPeerView[], step = 0, now = 0, startedAt = 0): BroadcastRequest {
  return { cids: [cidOf(1)], step, startedAt, now, peers }
}

function build<T extends BroadcastPolicy> (plugin: Plugin<BroadcastPolicy>, clock = new VirtualClock(), seed = 1): T {
  return resolvePlugin(plugin, seeded(seed), { clock, logger: silentLogger }) as T
}

describe('broadcastAll', () => {
  it('asks every peer in one step and admits every newcomer; goDefaults() uses it', () => {
    const policy = build(broadcastAll())
    const peers = peerNames(5).map(p => view(p))
    assert.deepEqual(policy.select(request(peers)), { peers: peerNames(5) })
    assert.equal(policy.admit(view('new')), true)
    assert.equal(goDefaults().broadcastPolicy?.name, 'broadcast-all')
  })
})

describe('boxoBroadcastControl', () => {
  const peers = [
    view('silent'),
    view('sent-block', { blocksReceived: 1 }),
    view('sent-have', { havesReceived: 2 }),
    view('local', { local: true }),
    view('peered', { peered: true }),
    view('pending', { pending: true })
  ]

  it("with Kubo's defaults asks the peers that answered on this connection, local and peered ones; boxo2025() uses them", () => {
    const policy = build(boxoBroadcastControl())
    assert.deepEqual([...policy.select(request(peers)).peers].sort(), ['local', 'peered', 'sent-block', 'sent-have'])
    assert.equal(policy.select(request(peers)).widenAfterMs, undefined, 'one step, as boxo')
    assert.equal(boxo2025().broadcastPolicy?.name, 'boxo-broadcast-control')
  })

  it('brings local and peered peers under the rule, rides pending messages, adds random peers and caps, as asked', () => {
    const strict = build(boxoBroadcastControl({ localPeers: true, peeredPeers: true, sendToPendingPeers: true }))
    assert.deepEqual([...strict.select(request(peers)).peers].sort(), ['pending', 'sent-block', 'sent-have'])
    const random = build(boxoBroadcastControl({ localPeers: true, peeredPeers: true, maxRandomPeers: 2 }))
    const picked = random.select(request(peers)).peers
    assert.equal(picked.length, 4)
    assert.ok(picked.includes('sent-block') && picked.includes('sent-have'))
    const capped = build(boxoBroadcastControl({ maxPeers: 1 }))
    assert.equal(capped.select(request(peers)).peers.length, 1)
  })

  it('maxPeers 0 turns broadcasts off, newcomers included; bad options fail at build', () => {
    const off = build(boxoBroadcastControl({ maxPeers: 0 }))
    assert.deepEqual(off.select(request(peers)).peers, [])
    assert.equal(off.admit(view('new')), false)
    assert.equal(build(boxoBroadcastControl()).admit(view('new')), true, 'boxo sends live broadcast wants to a new peer')
    assert.throws(() => build(boxoBroadcastControl({ maxPeers: -2 })), RangeError)
    assert.throws(() => build(boxoBroadcastControl({ maxRandomPeers: 1.5 })), RangeError)
  })
})

describe('adaptiveBroadcast', () => {
  const peers = peerNames(100).map(p => view(p, { latencyMs: 100 }))

  it('knowing nobody, widens 4, 12, 48, then the rest, about a round trip apart, the last step after everyoneAfter', () => {
    const policy = build(adaptiveBroadcast({ steps: [4, 16, 64, Infinity], roundTrips: 1.5, everyoneAfter: 2000, learnUntil: 0 }))
    const sizes: number[] = []
    const delays: Array<number | undefined> = []
    let left = peers
    for (let step = 0; step < 4; step++) {
      const decision = policy.select(request(left, step, step * 150))
      sizes.push(decision.peers.length)
      delays.push(decision.widenAfterMs)
      left = left.filter(v => !decision.peers.includes(v.peer))
    }
    assert.deepEqual(sizes, [4, 12, 48, 36])
    // 1.5 round trips of 100 ms, then (from t = 300) until 2000 ms after the start, then no further step
    assert.deepEqual(delays, [150, 150, 1700, undefined])
  })

  it('asks the peers that served it best first; scores decay with their half-life', async () => {
    const clock = new VirtualClock()
    const policy = build<AdaptiveBroadcast>(adaptiveBroadcast({ halfLife: 1000, firstShare: 1, learnUntil: 0 }), clock)
    policy.select(request(peers))
    policy.observe({ peer: 'peer-7', type: 'block', at: 0 })
    policy.observe({ peer: 'peer-3', type: 'have', at: 0 })
    policy.observe({ peer: 'peer-9', type: 'dont-have', at: 0 })
    policy.select(request(peers))
    policy.observe({ peer: 'peer-7', type: 'block', at: 0 })
    assert.deepEqual(policy.select(request(peers)).peers, ['peer-7', 'peer-3'], 'all the score, and no unscored peer')
    assert.equal(policy.scoreOf('peer-7'), 2)
    await clock.advance(1000)
    assert.equal(policy.scoreOf('peer-7'), 1, 'half after one half-life')
    assert.equal(policy.admit(view('peer-7')), true, 'a scored newcomer hears live broadcasts')
    assert.equal(policy.admit(view('peer-50')), false, 'an unknown one waits for the next step')
  })

  it('asks first the fastest of peers that answer the same things, then peers with too few finds to tell, and waits their 90th-percentile round trip', () => {
    // Three top providers answer the first six broadcasts (each a HAVE one round trip after it began); one
    // peer answers a broadcast alone; two partners answer the next two together.
    const lat: Record<string, number> = { top: 100, fastTop: 50, slowTop: 200, alone: 100, partnerA: 90, partnerB: 100 }
    const timed: BroadcastPeerView[] = [...peers, ...Object.entries(lat).map(([peer, latencyMs]) => view(peer, { latencyMs }))]
    const answers: Array<[string[], number]> = [
      ...Array.from({ length: 6 }, (): [string[], number] => [['top', 'fastTop', 'slowTop'], 0]),
      [['alone'], 0],
      [['partnerA', 'partnerB'], 0],
      [['partnerA', 'partnerB'], 0]
    ]
    const learnt = (init: Parameters<typeof adaptiveBroadcast>[0]): BroadcastPolicy => {
      const policy = build(adaptiveBroadcast({ learnUntil: 0, ...init }))
      answers.forEach(([who], round) => {
        const at = round * 1000
        policy.select(request(timed, 0, at, at))
        for (const peer of who) policy.observe?.({ peer, type: 'have', at: at + lat[peer] })
      })
      return policy
    }
    const first = learnt({}).select(request(timed, 0, 10_000, 10_000))
    assert.equal(first.peers[0], 'fastTop', 'the fastest top provider holds all six finds as fast as any')
    assert.deepEqual(first.peers.slice(1), ['partnerA', 'partnerB', 'alone'], 'then the peers with fewer than three finds, most finds first, then fastest; the other top providers were shown redundant six times')
    assert.deepEqual(learnt({ steps: [3, Infinity] }).select(request(timed, 0, 10_000, 10_000)).peers, ['fastTop', 'partnerA', 'partnerB'],
      'two shared finds do not make one partner redundant: the second comes before a peer that answered once, alone')
    assert.equal(first.widenAfterMs, 15_000, 'the next step is everyone, so it waits for everyoneAfter')
    assert.deepEqual(learnt({ redundantAfter: 7 }).select(request(timed, 0, 10_000, 10_000)).peers.length, 6, 'six finds do not show redundancy when seven are asked for')
    assert.deepEqual(learnt({ steps: [2, Infinity] }).select(request(timed, 0, 10_000, 10_000)).peers.length, 2, 'steps[0] caps it')
    const middle = learnt({ steps: [32, 64, Infinity] }).select(request(timed.map(v => v.peer === 'partnerB' ? { ...v, latencyMs: 300 } : v), 0, 10_000, 10_000))
    assert.equal(middle.widenAfterMs, 1.2 * 300, '1.2 round trips of the slowest of the four')
  })

  /** A policy that saw each listed set of peers answer one broadcast, with HAVEs a round trip after it began. */
  function taught (lat: Record<string, number>, answers: string[][], init: Parameters<typeof adaptiveBroadcast>[0] = {}): { policy: BroadcastPolicy, timed: BroadcastPeerView[] } {
    const timed: BroadcastPeerView[] = [...peers, ...Object.entries(lat).map(([peer, latencyMs]) => view(peer, { latencyMs }))]
    const policy = build(adaptiveBroadcast({ learnUntil: 0, ...init }))
    answers.forEach((who, round) => {
      const at = round * 1000
      policy.select(request(timed, 0, at, at))
      for (const peer of who) policy.observe?.({ peer, type: 'have', at: at + lat[peer] })
    })
    return { policy, timed }
  }

  it('ranks a peer that shared a find above a faster one that answered alone (loneWorth)', () => {
    const lat = { top: 50, alone: 40, partnerA: 120, partnerB: 130 }
    const answers = [...Array<string[]>(4).fill(['top']), ['partnerA', 'partnerB'], ['alone']]
    const { policy, timed } = taught(lat, answers, { steps: [3, Infinity] })
    assert.deepEqual(policy.select(request(timed, 0, 10_000, 10_000)).peers, ['top', 'partnerA', 'partnerB'])
    const even = taught(lat, answers, { steps: [3, Infinity], loneWorth: 1 })
    assert.deepEqual(even.policy.select(request(even.timed, 0, 10_000, 10_000)).peers, ['top', 'alone', 'partnerA'], 'counted alike, the fastest first')
  })

  it('judges a peer the first steps left out by the broadcasts it was asked in, not by all of them', () => {
    // Four floods: 'steady' answers all four, 'quick' (faster) three. Then the first step is one peer, 'steady',
    // which answers one broadcast and then none; 'quick', never asked again, keeps its three finds of four.
    const lat: Record<string, number> = { steady: 100, quick: 90 }
    const timed: BroadcastPeerView[] = [...peers, ...Object.entries(lat).map(([peer, latencyMs]) => view(peer, { latencyMs }))]
    const policy = build(adaptiveBroadcast({ learnUntil: 3.4, halfLife: 1e12, steps: [1, Infinity] }))
    const round = (i: number, who: string[]): readonly PeerKey[] => {
      const at = i * 1000
      const asked = policy.select(request(timed, 0, at, at)).peers
      for (const peer of who) policy.observe?.({ peer, type: 'have', at: at + lat[peer] })
      return asked
    }
    for (let i = 0; i < 4; i++) assert.equal(round(i, i < 3 ? ['steady', 'quick'] : ['steady']).length, timed.length, 'learning: everyone')
    assert.deepEqual(round(4, ['steady']), ['steady'], 'four finds against three, the slower peer first')
    for (let i = 5; i < 7; i++) assert.deepEqual(round(i, []), ['steady'], 'five finds of six or seven broadcasts')
    assert.deepEqual(round(7, []), ['quick'], 'three finds of the four floods it heard, and faster, outweigh five of seven')
  })

  it('with no finds to go by, asks the fewest best-scored peers holding firstShare of the score', async () => {
    const store = memoryScoreStore()
    await store.put([{ peer: 'peer-1', score: 6, at: 0 }, { peer: 'peer-2', score: 3, at: 0 }, { peer: 'peer-3', score: 1, at: 0 }])
    const loaded = async (init: Parameters<typeof adaptiveBroadcast>[0]): Promise<BroadcastPolicy> => {
      const policy = build<AdaptiveBroadcast>(adaptiveBroadcast({ learnUntil: 0, scoreStore: store, saveInterval: 0, ...init }))
      await policy.start()
      return policy
    }
    assert.deepEqual((await loaded({})).select(request(peers)).peers, ['peer-1', 'peer-2'], '6 + 3 of 10 reach 80 %')
    assert.deepEqual((await loaded({ firstShare: 0.95 })).select(request(peers)).peers, ['peer-1', 'peer-2', 'peer-3'])
    assert.deepEqual((await loaded({ steps: [1, Infinity] })).select(request(peers)).peers, ['peer-1'], 'steps[0] caps it')
    const second = (await loaded({ steps: [2, 4, Infinity] })).select(request(peers.filter(v => v.peer !== 'peer-1' && v.peer !== 'peer-2'), 1, 360))
    assert.deepEqual(second.peers.slice(0, 1), ['peer-3'], 'a later step takes the rest of the score first')
    assert.equal(second.peers.length, 2)
  })

  it('asks everyone in one step until the peers it may ask hold learnUntil of score, then ranks them', () => {
    const policy = build<AdaptiveBroadcast>(adaptiveBroadcast({ learnUntil: 4 }))
    for (let round = 0; round < 3; round++) {
      const decision = policy.select(request(peers))
      assert.equal(decision.peers.length, peers.length, `round ${round}: still learning, everyone`)
      assert.equal(decision.widenAfterMs, undefined, 'nobody left to widen to')
      policy.observe({ peer: `peer-${round}`, type: 'block', at: 0 })
      policy.observe({ peer: 'peer-9', type: 'have', at: 0 })
    }
    // peer-0, peer-1 and peer-2 found one each, peer-9 said HAVE three times: 4.5 between them
    assert.deepEqual(new Set(policy.select(request(peers)).peers), new Set(['peer-9', 'peer-0', 'peer-1', 'peer-2']))
    assert.equal(policy.select(request(peers.filter(v => v.peer !== 'peer-9'))).peers.length, peers.length - 1, 'without peer-9 they hold 3 of 4: everyone again')
  })

  it('credits a peer once per broadcast, with its best answer: a DAG fetched from its holder is one find', () => {
    const policy = build<AdaptiveBroadcast>(adaptiveBroadcast({ learnUntil: 0 }))
    policy.select(request(peers))
    policy.observe({ peer: 'peer-1', type: 'have', at: 0 })
    assert.equal(policy.scoreOf('peer-1'), 0.5)
    for (let i = 0; i < 100; i++) policy.observe({ peer: 'peer-1', type: 'block', at: 0 })
    policy.observe({ peer: 'peer-2', type: 'have', at: 0 })
    policy.observe({ peer: 'peer-2', type: 'have', at: 0 })
    assert.equal(policy.scoreOf('peer-1'), 1, 'a HAVE then a hundred blocks: one block\'s worth')
    assert.equal(policy.scoreOf('peer-2'), 0.5)
    policy.select(request(peers, 1))
    policy.observe({ peer: 'peer-1', type: 'block', at: 0 })
    assert.equal(policy.scoreOf('peer-1'), 1, 'a wider step of the same broadcast is the same round')
    assert.deepEqual(policy.select(request(peers)).peers, ['peer-1', 'peer-2'], 'the DAG holder does not crowd out the other finder')
    policy.observe({ peer: 'peer-1', type: 'block', at: 0 })
    assert.equal(policy.scoreOf('peer-1'), 2, 'the next broadcast credits it again')
  })

  it('keeps scores across a restart through its score store', async () => {
    const store = memoryScoreStore()
    const clock = new VirtualClock()
    const before = build<AdaptiveBroadcast>(adaptiveBroadcast({ scoreStore: store, learnUntil: 1 }), clock)
    await before.start()
    before.observe({ peer: 'peer-42', type: 'block', at: 0 })
    await before.stop()
    assert.equal(store.saved?.length, 1)
    const after = build<AdaptiveBroadcast>(adaptiveBroadcast({ scoreStore: store, learnUntil: 1 }), clock, 2)
    assert.equal(after.scoreOf('peer-42'), 0, 'nothing before start')
    assert.equal(after.select(request(peers)).peers.length, peers.length, 'knowing nobody, it asks everyone')
    await after.start()
    assert.equal(after.scoreOf('peer-42'), 1)
    assert.deepEqual(after.select(request(peers)).peers, ['peer-42'], 'the loaded score is enough to rank by: no flood after a restart')
    await after.stop()
  })

  it('rejects steps that do not increase and other bad options at build', () => {
    assert.throws(() => build(adaptiveBroadcast({ steps: [4, 4] })), /increase/)
    assert.throws(() => build(adaptiveBroadcast({ steps: [] })), RangeError)
    assert.throws(() => build(adaptiveBroadcast({ steps: [Infinity, 5] })), RangeError)
    assert.throws(() => build(adaptiveBroadcast({ halfLife: 0 })), RangeError)
    assert.throws(() => build(adaptiveBroadcast({ roundTrips: -1 })), RangeError)
    assert.throws(() => build(adaptiveBroadcast({ firstShare: 0 })), /firstShare/)
    assert.throws(() => build(adaptiveBroadcast({ firstShare: 1.5 })), /firstShare/)
    assert.throws(() => build(adaptiveBroadcast({ roundTripQuantile: 2 })), /roundTripQuantile/)
    assert.throws(() => build(adaptiveBroadcast({ learnUntil: -1 })), /learnUntil/)
    assert.throws(() => build(adaptiveBroadcast({ findMemory: 0 })), /findMemory/)
    assert.throws(() => build(adaptiveBroadcast({ redundantAfter: 0.5 })), /redundantAfter/)
    assert.throws(() => build(adaptiveBroadcast({ loneWorth: 2 })), /loneWorth/)
  })
})
