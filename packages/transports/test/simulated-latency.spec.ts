import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SeededRandom, VirtualClock } from '@swapwright/core'
import { fixedLatency, internetLatency, normalBandwidth, SimulatedNetwork, standardNormal } from '../src/index.js'

const names = Array.from({ length: 40 }, (_, i) => `n${i}`)

/** Every ordered pair of `names`, in the given order. */
function pairs (order: string[]): Array<[string, string]> {
  return order.flatMap(from => order.filter(to => to !== from).map(to => [from, to] as [string, string]))
}

function mean (values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

function sd (values: number[]): number {
  const m = mean(values)
  return Math.sqrt(mean(values.map(v => (v - m) ** 2)))
}

describe('SimulatedNetwork link distributions', () => {
  it('fixedLatency gives every link the same delay', () => {
    const net = new SimulatedNetwork({ clock: new VirtualClock(), latency: fixedLatency(10) })
    assert.deepEqual([...new Set(pairs(names.slice(0, 5)).map(([f, t]) => net.link(f, t).latency))], [10])
    assert.throws(() => fixedLatency(-1), RangeError)
  })

  it('draws a standard normal with mean 0 and deviation 1', () => {
    const random = new SeededRandom(3)
    const draws = Array.from({ length: 20_000 }, () => standardNormal(random))
    assert.ok(Math.abs(mean(draws)) < 0.03, `mean ${mean(draws)}`)
    assert.ok(Math.abs(sd(draws) - 1) < 0.03, `sd ${sd(draws)}`)
  })

  it('internetLatency puts the configured shares of links in the medium and large clusters around base + jitter', () => {
    const net = new SimulatedNetwork({
      clock: new VirtualClock(),
      seed: 5,
      latency: internetLatency({ base: 60, std: 20, medium: 140, pMedium: 0.3, large: 740, pLarge: 0.3 })
    })
    const latencies = pairs(names).map(([f, t]) => net.link(f, t).latency)
    // the clusters are 140 and 740 ms away from base; cutting halfway, 3.5 deviations from each, separates them
    const large = latencies.filter(l => l >= 500)
    const medium = latencies.filter(l => l >= 130 && l < 500)
    const plain = latencies.filter(l => l < 130)
    const share = (part: number[]): number => part.length / latencies.length
    assert.ok(Math.abs(share(large) - 0.3) < 0.04, `large share ${share(large)}`)
    assert.ok(Math.abs(share(medium) - 0.3) < 0.04, `medium share ${share(medium)}`)
    assert.ok(Math.abs(mean(plain) - 60) < 3, `base mean ${mean(plain)}`)
    assert.ok(Math.abs(sd(plain) - 20) < 3, `base sd ${sd(plain)}`)
    assert.ok(Math.abs(mean(large) - 800) < 4, `large mean ${mean(large)}`)
    assert.ok(latencies.every(l => l >= 0))
  })

  it('internetLatency with no clusters is base plus jitter, clamped at zero', () => {
    const draw = internetLatency({ base: 5, std: 3 })
    const random = new SeededRandom(8)
    const draws = Array.from({ length: 5000 }, () => draw('a', 'b', random))
    assert.ok(draws.every(d => d >= 0))
    assert.ok(draws.some(d => d === 0), 'some draws fall below zero and are clamped')
    assert.ok(Math.abs(mean(draws) - 5) < 0.3, `mean ${mean(draws)}`)
    assert.throws(() => internetLatency({ base: 1, pMedium: 0.7, pLarge: 0.7 }), RangeError)
  })

  it('normalBandwidth draws per link around the mean, never below the floor', () => {
    const net = new SimulatedNetwork({ clock: new VirtualClock(), seed: 2, latency: 0, bandwidth: normalBandwidth(500_000, 80_000) })
    const bandwidths = pairs(names).map(([f, t]) => net.link(f, t).bandwidth)
    assert.ok(Math.abs(mean(bandwidths) - 500_000) < 8000, `mean ${mean(bandwidths)}`)
    assert.ok(Math.abs(sd(bandwidths) - 80_000) < 8000, `sd ${sd(bandwidths)}`)
    const random = new SeededRandom(1)
    const floor = normalBandwidth(100, 1000, 50)
    assert.ok(Array.from({ length: 200 }, () => floor('a', 'b', random)).every(b => b >= 50))
  })

  it('draws each ordered pair from its own seeded stream: the order links are first used in does not matter', () => {
    const draw = internetLatency({ base: 60, std: 20, medium: 140, pMedium: 0.3, large: 740, pLarge: 0.3 })
    const build = (seed: number, order: string[]): Map<string, [number, number]> => {
      const net = new SimulatedNetwork({ clock: new VirtualClock(), seed, latency: draw, bandwidth: normalBandwidth(1e6, 2e5) })
      return new Map(pairs(order).map(([f, t]) => [`${f}>${t}`, [net.link(f, t).latency, net.link(f, t).bandwidth]]))
    }
    const forward = build(4, names.slice(0, 10))
    const backward = build(4, names.slice(0, 10).reverse())
    for (const [key, value] of forward) assert.deepEqual(backward.get(key), value, key)
    const other = build(5, names.slice(0, 10))
    assert.notDeepEqual([...other.entries()].sort(), [...forward.entries()].sort())
    // the two directions of one connection are independent draws
    assert.notDeepEqual(forward.get('n0>n1'), forward.get('n1>n0'))
  })
})
