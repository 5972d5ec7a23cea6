import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock } from '@swapwright/core'
import { GuardedClock } from '../src/index.js'

describe('lab: clock guard', () => {
  it('lets time move when something re-arms a 0 ms timer without end, and counts it', async () => {
    const inner = new VirtualClock()
    const clock = new GuardedClock(inner, 1000)
    let firings = 0
    // re-arms itself at 0 ms until time has moved: without the guard this never ends
    const spin = (): void => {
      firings++
      if (inner.now() === 0) clock.setTimeout(spin, 0)
    }
    clock.setTimeout(spin, 0)
    await inner.runUntilIdle()
    assert.equal(clock.trips, 1)
    assert.equal(inner.now(), 1)
    assert.ok(firings >= 1000)
  })

  it('leaves ordinary timers and sleeps alone', async () => {
    const inner = new VirtualClock()
    const clock = new GuardedClock(inner)
    const order: string[] = []
    clock.setTimeout(() => order.push('b'), 5)
    clock.setTimeout(() => order.push('a'), 0)
    await inner.run(clock.sleep(7))
    assert.deepEqual(order, ['a', 'b'])
    assert.equal(inner.now(), 7)
    assert.equal(clock.trips, 0)
  })
})
