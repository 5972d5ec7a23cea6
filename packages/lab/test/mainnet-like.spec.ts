import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { adaptiveBroadcast, boxo2025, goDefaults } from '@swapwright/strategies'
import { MAINNET_LIKE, mainnetLike, placeRoots, runMainnetLike, type MainnetLikeScenario } from '../src/index.js'

/** A MainnetLike network cut down to test size: the same rules over 120 peers and a short warm-up. */
// A warm-up long enough for adaptiveBroadcast to have learned (its first broadcasts go to everyone).
const small: MainnetLikeScenario = { ...mainnetLike('MainnetLike/SingleRoots'), connectedPeers: 120, providers: 100, dhtOnlyPeers: 3, warmupRoots: 40, roots: 12 }

describe('MainnetLike scenarios', () => {
  it('are three fetch patterns over 850 connected peers, and an unknown name is a clear error', () => {
    assert.deepEqual(MAINNET_LIKE.map(s => s.name), ['MainnetLike/SingleRoots', 'MainnetLike/Dag100', 'MainnetLike/RootStream'])
    for (const s of MAINNET_LIKE) assert.equal(s.connectedPeers, 850)
    assert.throws(() => mainnetLike('MainnetLike/Nope'), /unknown scenario "MainnetLike\/Nope" \(known: MainnetLike\/SingleRoots/)
  })

  it('place roots as measured: about 70 % available, the top 10 providers hold about 58 % of the connected ones, about four holders each', async () => {
    const scenario = { ...mainnetLike('MainnetLike/SingleRoots'), roots: 2000, warmupRoots: 0 }
    const { measured } = await placeRoots(scenario, 7)
    const held = measured.filter(root => root.holders.length > 0)
    const available = held.length / measured.length
    assert.ok(available > 0.65 && available < 0.75, `available ${available}`)
    const connected = held.filter(root => root.holders[0].startsWith('peer-'))
    for (const root of connected) assert.equal(new Set(root.holders).size, root.holders.length, 'distinct holders')
    // The providers ranked by how many roots they hold; the top n hold a root when one of them does.
    const counts = new Map<string, number>()
    for (const root of connected) for (const peer of root.holders) counts.set(peer, (counts.get(peer) ?? 0) + 1)
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([peer]) => peer)
    const share = (n: number): number => {
      const top = new Set(ranked.slice(0, n))
      return connected.filter(root => root.holders.some(peer => top.has(peer))).length / connected.length
    }
    assert.ok(share(10) > 0.53 && share(10) < 0.63, `top 10 hold ${share(10)}`)
    assert.ok(share(50) > 0.8 && share(50) < 0.9, `top 50 hold ${share(50)}`)
    // The measurements received 3.95 HAVEs and 1.74 blocks per successful request: several holders per root.
    const holders = connected.reduce((sum, root) => sum + root.holders.length, 0) / connected.length
    assert.ok(holders > 3.5 && holders < 4.7, `holders per root ${holders}`)
    assert.ok(held.some(root => root.holders[0].startsWith('far-')), 'some roots are held only by peers found through the DHT')
    await assert.rejects(placeRoots({ ...scenario, top50Holders: 0 }, 7), /top50Holders must be an integer >= 1, got 0/)
  })

  it('count the broadcast WANT_HAVEs of each policy, and every policy finds what exists', async () => {
    const runs = []
    // The default learnUntil floods about 60 roots' worth of broadcasts, more than this warm-up's 40.
    const adaptive = (): ReturnType<typeof goDefaults> => ({ ...goDefaults(), broadcastPolicy: adaptiveBroadcast({ learnUntil: 50 }) })
    for (const [name, strategy] of [['goDefaults', goDefaults], ['boxo2025', boxo2025], ['adaptive', adaptive]] as const) {
      runs.push(await runMainnetLike(small, name, strategy, 3))
    }
    const [all, boxo, learnt] = runs
    for (const run of runs) {
      assert.equal(run.success, 1, `${run.strategy} fetched ${run.rootsFound} of ${run.rootsAvailable}`)
      assert.equal(run.firstBlockTimes.length, small.roots)
    }
    // goDefaults asks every connected peer for each root it broadcasts.
    assert.ok(all.traffic.broadcastWantHaves >= small.roots * (small.connectedPeers - 1), `goDefaults: ${all.traffic.broadcastWantHaves}`)
    assert.ok(boxo.traffic.broadcastWantHaves < all.traffic.broadcastWantHaves / 4, `boxo2025: ${boxo.traffic.broadcastWantHaves}`)
    assert.ok(learnt.traffic.broadcastWantHaves < all.traffic.broadcastWantHaves / 2, `adaptive: ${learnt.traffic.broadcastWantHaves}`)
  })
})
