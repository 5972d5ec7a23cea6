import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock } from '@swapwright/core'
import { IdleWatch } from '../src/idle-watch.js'

/* The fetch's idle timeout, on a virtual clock: it ends a fetch only after a whole spell with no block. */

describe('cli: the idle timeout of a fetch', () => {
  it('aborts after the spell with no touch, and each touch starts the spell again', async () => {
    const clock = new VirtualClock()
    const idle = new IdleWatch(1000, clock)
    await clock.advance(900)
    idle.touch()
    await clock.advance(900)
    assert.equal(idle.signal.aborted, false, '900 ms since the last touch')
    idle.touch()
    await clock.advance(999)
    assert.equal(idle.signal.aborted, false)
    await clock.advance(1)
    assert.equal(idle.signal.aborted, true, 'a whole second with no touch')
  })

  it('never aborts once stopped', async () => {
    const clock = new VirtualClock()
    const idle = new IdleWatch(100, clock)
    idle.stop()
    await clock.advance(1000)
    assert.equal(idle.signal.aborted, false)
  })
})
