import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VirtualClock } from '@swapwright/core'
import { lastResortCollector, watchMemoryTrim } from '../src/memory-trim.js'

/*
 * The trim waits for connections to stop coming and going, and runs only when the process has grown enough since
 * the last one.
 */

describe('serve: memory trim after a crowd leaves', () => {
  it('collects once connections are quiet and the process has grown, not before', async () => {
    const events = new EventTarget()
    let rss = 100
    let collections = 0
    const clock = new VirtualClock()
    const stop = watchMemoryTrim(events, { quiet: 30, growth: 10, rss: () => rss, collect: () => { collections++; rss = 105 }, clock })
    try {
      rss = 150
      for (let i = 0; i < 4; i++) {
        events.dispatchEvent(new Event(i % 2 === 0 ? 'connection:open' : 'connection:close'))
        await clock.advance(10)
      }
      assert.equal(collections, 0, 'not while connections still come and go')
      await clock.advance(19)
      assert.equal(collections, 0, 'not before the last event is `quiet` ms old')
      await clock.advance(1)
      assert.equal(collections, 1)
      rss = 110
      events.dispatchEvent(new Event('connection:close'))
      await clock.advance(60)
      assert.equal(collections, 1, 'grown by less than the threshold since the last trim')
    } finally {
      stop()
    }
  })

  it('reaches a collection without --expose-gc and leaves no gc on the global', () => {
    const collect = lastResortCollector()
    assert.equal(typeof collect, 'function')
    collect()
    assert.equal((globalThis as { gc?: unknown }).gc, undefined)
  })
})
