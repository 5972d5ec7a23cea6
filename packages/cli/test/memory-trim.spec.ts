import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lastResortCollector, watchMemoryTrim } from '../src/memory-trim.js'

/*
 * The trim waits for connections to stop coming and going, and runs only when the process has grown enough since
 * the last one.
 */

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('serve: memory trim after a crowd leaves', () => {
  it('collects once connections are quiet and the process has grown, not before', async () => {
    const events = new EventTarget()
    let rss = 100
    let collections = 0
    const stop = watchMemoryTrim(events, { quiet: 30, growth: 10, rss: () => rss, collect: () => { collections++; rss = 105 } })
    try {
      rss = 150
      for (let i = 0; i < 4; i++) {
        events.dispatchEvent(new Event(i % 2 === 0 ? 'connection:open' : 'connection:close'))
        await sleep(10)
      }
      assert.equal(collections, 0, 'not while connections still come and go')
      await sleep(60)
      assert.equal(collections, 1)
      rss = 110
      events.dispatchEvent(new Event('connection:close'))
      await sleep(60)
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
