import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AbortError, StalledError, VirtualClock } from '../src/index.js'

describe('VirtualClock', () => {
  it('fires timers in due order, and timers due together in the order they were set', async () => {
    const clock = new VirtualClock()
    const fired: string[] = []
    clock.setTimeout(() => fired.push('c@30'), 30)
    clock.setTimeout(() => fired.push('a@10'), 10)
    clock.setTimeout(() => fired.push('b1@20'), 20)
    clock.setTimeout(() => fired.push('b2@20'), 20)
    await clock.advance(25)
    assert.deepEqual(fired, ['a@10', 'b1@20', 'b2@20'])
    assert.equal(clock.now(), 25)
    await clock.advance(5)
    assert.deepEqual(fired, ['a@10', 'b1@20', 'b2@20', 'c@30'])
  })

  it('sets now() to each timer\'s due time while it runs', async () => {
    const clock = new VirtualClock({ start: 1000 })
    const seen: number[] = []
    clock.setTimeout(() => seen.push(clock.now()), 7)
    clock.setTimeout(() => seen.push(clock.now()), 3)
    await clock.advance(100)
    assert.deepEqual(seen, [1003, 1007])
    assert.equal(clock.now(), 1100)
  })

  it('cancelled timers never fire and leave no pending work', async () => {
    const clock = new VirtualClock()
    let fired = false
    const timer = clock.setTimeout(() => { fired = true }, 5)
    assert.equal(clock.pending, 1)
    timer.cancel()
    timer.cancel()
    assert.equal(clock.pending, 0)
    await clock.advance(10)
    assert.equal(fired, false)
  })

  it('repeats intervals until cancelled', async () => {
    const clock = new VirtualClock()
    const ticks: number[] = []
    const timer = clock.setInterval(() => ticks.push(clock.now()), 10)
    await clock.advance(35)
    timer.cancel()
    await clock.advance(100)
    assert.deepEqual(ticks, [10, 20, 30])
    assert.equal(clock.pending, 0)
  })

  it('settles promise chains started by a timer before the next timer fires', async () => {
    const clock = new VirtualClock()
    const order: string[] = []
    clock.setTimeout(() => {
      void Promise.resolve().then(async () => { await Promise.resolve(); order.push('chain of first') })
    }, 1)
    clock.setTimeout(() => order.push('second'), 1)
    await clock.advance(1)
    assert.deepEqual(order, ['chain of first', 'second'])
  })

  it('run() drives time until the work settles, without waiting in real time', async () => {
    const clock = new VirtualClock()
    const started = performance.now()
    const result = await clock.run(async () => {
      await clock.sleep(60_000)
      await clock.sleep(60_000)
      return clock.now()
    })
    assert.equal(result, 120_000)
    assert.ok(performance.now() - started < 2000, 'two virtual minutes must not take real minutes')
  })

  it('run() reports a stall instead of hanging', async () => {
    const clock = new VirtualClock()
    const never = new Promise<void>(() => {})
    await assert.rejects(clock.run(never), StalledError)
  })

  it('run() stops at maxTime', async () => {
    const clock = new VirtualClock()
    clock.setInterval(() => {}, 100)
    await assert.rejects(clock.run(new Promise(() => {}), { maxTime: 1000 }), /within 1000 ms/)
    assert.ok(clock.now() <= 1000)
  })

  it('sleep() rejects with an AbortError and clears its timer when aborted', async () => {
    const clock = new VirtualClock()
    const controller = new AbortController()
    const sleeping = clock.sleep(1000, { signal: controller.signal })
    controller.abort()
    await assert.rejects(sleeping, AbortError)
    assert.equal(clock.pending, 0)
    await assert.rejects(clock.sleep(5, { signal: controller.signal }), AbortError)
  })

  it('is deterministic: the same schedule gives the same trace', async () => {
    const trace = async (): Promise<string> => {
      const clock = new VirtualClock()
      const out: string[] = []
      for (let i = 0; i < 50; i++) {
        clock.setTimeout(() => {
          out.push(`${i}@${clock.now()}`)
          if (i % 3 === 0) clock.setTimeout(() => out.push(`child${i}@${clock.now()}`), (i * 7) % 11)
        }, (i * 13) % 17)
      }
      await clock.runUntilIdle()
      return out.join(',')
    }
    assert.equal(await trace(), await trace())
  })
})
