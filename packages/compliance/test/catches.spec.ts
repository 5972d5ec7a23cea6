import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock, type Clock } from '@swapwright/core'
import { clockCases } from '../src/clock.js'
import { runCases, type ComplianceCase } from '../src/case.js'

/** The named case of `cases` fails with a message matching `rule`. */
async function fails (cases: ComplianceCase[], name: RegExp, rule: RegExp): Promise<void> {
  const chosen = cases.filter(c => name.test(c.name))
  assert.ok(chosen.length > 0, `no case named ${String(name)}`)
  await assert.rejects(runCases(chosen), (err: Error) => rule.test(err.message))
}

/** A virtual clock changed by `change`, with the harness that drives it. */
function broken (change: (clock: VirtualClock) => Partial<Clock>): () => { clock: Clock, pass: (ms: number) => Promise<void> } {
  return () => {
    const inner = new VirtualClock()
    const clock: Clock = {
      now: () => inner.now(),
      setTimeout: (cb, ms) => inner.setTimeout(cb, ms),
      setInterval: (cb, ms) => inner.setInterval(cb, ms),
      sleep: async (ms, options) => inner.sleep(ms, options),
      ...change(inner)
    }
    return { clock, pass: async ms => { await inner.advance(ms) } }
  }
}

// a suite is only worth running if it catches broken plugins
describe('the clock suite catches', () => {
  it('a timeout that fires early', async () => {
    await fails(clockCases(broken(inner => ({ setTimeout: (cb, ms) => inner.setTimeout(cb, ms / 2) }))), /not before its time/, /fired after 20 ms/)
  })

  it('a cancel that does nothing', async () => {
    await fails(clockCases(broken(inner => ({ setTimeout: (cb, ms) => { inner.setTimeout(cb, ms); return { cancel: () => {} } } }))), /cancelled timeout/, /cancelled timeout fired/)
  })

  it('a sleep that ignores its signal', async () => {
    await fails(clockCases(broken(inner => ({ sleep: async ms => inner.sleep(ms) }))), /AbortError/, /aborted signal settled with resolved/)
  })
})
