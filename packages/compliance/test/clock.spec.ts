import { describe, it } from 'node:test'
import { SystemClock, VirtualClock } from '@swapwright/core'
import { clockCases } from '../src/clock.js'

const wait = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('Clock compliance', () => {
  describe('system clock', () => {
    // Node rounds timers to whole milliseconds, so against performance.now() one may fire up to 1 ms early.
    for (const c of clockCases(() => ({ clock: new SystemClock(), pass: wait }), { earlyMs: 1 })) it(c.name, c.run)
  })

  describe('virtual clock', () => {
    for (const c of clockCases(() => {
      const clock = new VirtualClock()
      return { clock, pass: async ms => { await clock.advance(ms) } }
    })) it(c.name, c.run)
  })
})
