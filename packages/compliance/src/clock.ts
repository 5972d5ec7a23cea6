/**
 * The `Clock` contract core's timers rely on: a monotonic `now()`, timeouts that fire once, in due order and
 * never early, cancelling that holds, intervals that repeat until cancelled, and `sleep` that honours abort
 * signals. The same cases run against wall-clock time and virtual time: the harness says how time passes.
 * @packageDocumentation
 */
import { equal, ok, same } from './assert.js'
import type { ComplianceCase } from './case.js'
import type { Clock } from '@swapwright/core'

export type { ComplianceCase } from './case.js'

/** A fresh clock, and how to let its time go by. */
export interface ClockUnderTest {
  clock: Clock
  /**
   * Lets at least `ms` of the clock's time pass and the callbacks due in it run: a virtual clock advances, a wall
   * clock waits (with the host's own timer).
   */
  pass: (ms: number) => Promise<void>
  teardown?: () => void | Promise<void>
}

export interface ClockComplianceOptions {
  /**
   * How early a timer may fire against `now()`, in ms (default 0). A wall clock whose host rounds timers to whole
   * milliseconds may fire up to 1 ms early by a sub-millisecond `now()`.
   */
  earlyMs?: number
}

/** Up to `limit` ms of the clock's time, in steps, until `condition` holds; false if it never did. */
async function passUntil (subject: ClockUnderTest, condition: () => boolean, step = 10, limit = 5_000): Promise<boolean> {
  for (let passed = 0; !condition(); passed += step) {
    if (passed >= limit) return false
    await subject.pass(step)
  }
  return true
}

/** The cases of the `Clock` contract for the clocks `factory` makes (one per case). */
export function clockCases (factory: () => ClockUnderTest | Promise<ClockUnderTest>, options: ClockComplianceOptions = {}): ComplianceCase[] {
  const early = options.earlyMs ?? 0
  const withClock = (name: string, run: (subject: ClockUnderTest) => Promise<void>): ComplianceCase => ({
    name,
    run: async () => {
      const subject = await factory()
      try {
        await run(subject)
      } finally {
        await subject.teardown?.()
      }
    }
  })

  return [
    withClock('now() is a finite number that never goes backwards', async subject => {
      let last = subject.clock.now()
      ok(Number.isFinite(last), `now() returned ${last}`)
      for (let i = 0; i < 20; i++) {
        if (i % 5 === 0) await subject.pass(3)
        const now = subject.clock.now()
        ok(now >= last, `now() went back from ${last} to ${now}`)
        last = now
      }
    }),

    withClock('a timeout fires once, and not before its time', async subject => {
      const { clock } = subject
      const setAt = clock.now()
      const fired: number[] = []
      clock.setTimeout(() => { fired.push(clock.now()) }, 40)
      ok(await passUntil(subject, () => fired.length > 0), 'a 40 ms timeout never fired')
      ok(fired[0] - setAt >= 40 - early, `a 40 ms timeout fired after ${fired[0] - setAt} ms`)
      await subject.pass(100)
      equal(fired.length, 1, 'a timeout fired more than once')
    }),

    withClock('timeouts fire in the order they fall due', async subject => {
      const order: number[] = []
      for (const ms of [30, 10, 20, 0]) subject.clock.setTimeout(() => { order.push(ms) }, ms)
      ok(await passUntil(subject, () => order.length === 4), `only ${order.length} of 4 timeouts fired`)
      same(order, [0, 10, 20, 30], 'timeouts fired out of order')
    }),

    withClock('a cancelled timeout never fires; cancelling twice or after it ran is harmless', async subject => {
      const { clock } = subject
      let cancelledRan = false
      let kept = 0
      const cancelled = clock.setTimeout(() => { cancelledRan = true }, 20)
      const ran = clock.setTimeout(() => { kept++ }, 20)
      cancelled.cancel()
      cancelled.cancel()
      ok(await passUntil(subject, () => kept > 0), 'the timeout that was kept never fired')
      ran.cancel()
      await subject.pass(50)
      equal(cancelledRan, false, 'a cancelled timeout fired')
      equal(kept, 1, 'a timeout fired more than once')
    }),

    withClock('an interval repeats, a period apart, until cancelled', async subject => {
      const { clock } = subject
      const ticks: number[] = []
      const timer = clock.setInterval(() => { ticks.push(clock.now()) }, 15)
      ok(await passUntil(subject, () => ticks.length >= 3, 5), `an interval ticked ${ticks.length} times`)
      timer.cancel()
      const seen = ticks.length
      for (let i = 1; i < ticks.length; i++) ok(ticks[i] - ticks[i - 1] >= 15 - early, `interval ticks ${ticks[i] - ticks[i - 1]} ms apart`)
      await subject.pass(60)
      equal(ticks.length, seen, 'an interval ticked after it was cancelled')
    }),

    withClock('sleep resolves once its time has passed', async subject => {
      const { clock } = subject
      const from = clock.now()
      let woke: number | undefined
      const sleeping = clock.sleep(25).then(() => { woke = clock.now() })
      ok(await passUntil(subject, () => woke !== undefined), 'sleep(25) never resolved')
      await sleeping
      ok((woke ?? 0) - from >= 25 - early, `sleep(25) resolved after ${(woke ?? 0) - from} ms`)
    }),

    withClock('sleep rejects with AbortError for a signal already aborted, or aborted while it sleeps', async subject => {
      const { clock } = subject
      let early: unknown
      clock.sleep(10, { signal: AbortSignal.abort() }).then(() => { early = 'resolved' }, (err: unknown) => { early = err })
      ok(await passUntil(subject, () => early !== undefined, 5, 500), 'sleep with an aborted signal never settled')
      equal((early as Error | undefined)?.name, 'AbortError', `sleep with an aborted signal settled with ${String(early)}`)
      const controller = new AbortController()
      let outcome: unknown
      const sleeping = clock.sleep(60_000, { signal: controller.signal }).then(() => 'resolved', (err: unknown) => err)
      void sleeping.then(result => { outcome = result })
      await subject.pass(5)
      controller.abort()
      ok(await passUntil(subject, () => outcome !== undefined, 5, 500), 'an aborted sleep neither resolved nor rejected')
      equal((outcome as Error | undefined)?.name, 'AbortError', `an aborted sleep settled with ${String(outcome)}`)
    })
  ]
}
