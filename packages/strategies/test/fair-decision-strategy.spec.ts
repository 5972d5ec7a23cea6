import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FairDecisionStrategy } from '../src/index.js'
import { queue, seeded, task } from './fixtures.js'

const NOW = 100_000
const recently = NOW - 1000
const fair = (seed = 1, init = {}): FairDecisionStrategy => new FairDecisionStrategy(seeded(seed), init)

describe('FairDecisionStrategy', () => {
  it('serves a peer with work before one without', () => {
    const s = fair()
    assert.ok(s.comparePeers(queue('idle', { pendingTasks: 0, lastServedAt: undefined }), queue('busy', { pendingTasks: 1, activeTasks: 3, lastServedAt: recently }), NOW) > 0)
  })

  it('serves a starved peer before a busier one that was served recently', () => {
    const s = fair()
    const busy = queue('busy', { pendingTasks: 16, activeTasks: 0, lastServedAt: recently })
    assert.ok(s.comparePeers(queue('never', { pendingTasks: 1, activeTasks: 2, lastServedAt: undefined }), busy, NOW) < 0)
    assert.ok(s.comparePeers(queue('waited', { pendingTasks: 1, activeTasks: 2, lastServedAt: NOW - 10_001 }), busy, NOW) < 0)
  })

  it('does not count a peer served exactly starvationMs ago as starved', () => {
    const s = fair()
    const edge = queue('edge', { pendingTasks: 1, activeTasks: 2, lastServedAt: NOW - 10_000 })
    assert.ok(s.comparePeers(edge, queue('busy', { pendingTasks: 16, lastServedAt: recently }), NOW) > 0)
    assert.ok(fair(1, { starvationMs: 5000 }).comparePeers(edge, queue('busy', { pendingTasks: 16, lastServedAt: recently }), NOW) < 0)
  })

  it('serves the peer with fewer active tasks first', () => {
    assert.ok(fair().comparePeers(queue('light', { activeTasks: 1, lastServedAt: recently }), queue('heavy', { activeTasks: 2, pendingTasks: 16, lastServedAt: recently }), NOW) < 0)
  })

  it('serves the peer with more pending first, up to the cap', () => {
    const s = fair()
    const peer = (name: string, pendingTasks: number) => queue(name, { pendingTasks, lastServedAt: recently })
    assert.ok(s.comparePeers(peer('more', 16), peer('fewer', 15), NOW) < 0)
    // past the cap a backlog earns nothing: only the salted tie-break decides, whichever way round
    for (const [big, small] of [[1024, 16], [17, 16]]) {
      const ab = s.comparePeers(peer('a', big), peer('b', small), NOW)
      const ba = s.comparePeers(peer('a', small), peer('b', big), NOW)
      assert.equal(Math.sign(ab), Math.sign(ba), `${big} vs ${small} should be a tie`)
    }
  })

  it('honours another pending cap', () => {
    const s = fair(1, { pendingCap: 100 })
    assert.ok(s.comparePeers(queue('a', { pendingTasks: 50, lastServedAt: recently }), queue('b', { pendingTasks: 17, lastServedAt: recently }), NOW) < 0)
  })

  it('breaks ties the same way for one seed, and differently across nodes', () => {
    const tied = (name: string) => queue(name, { lastServedAt: recently })
    const winner = (seed: number): string => fair(seed).comparePeers(tied('x'), tied('y'), NOW) < 0 ? 'x' : 'y'
    assert.equal(winner(5), winner(5))
    const winners = new Set(Array.from({ length: 32 }, (_, seed) => winner(seed)))
    assert.deepEqual([...winners].sort(), ['x', 'y'])
  })

  it('orders tasks by priority, then first come first served', () => {
    const s = fair()
    const tasks = [task(3, 1), task(1, 5), task(2, 5), task(0, 1)]
    assert.deepEqual(tasks.sort((a, b) => s.compareTasks(a, b)).map(t => t.seq), [1, 2, 0, 3])
  })

  it('answers a WANT_HAVE with the block up to 1024 bytes, else with HAVE', () => {
    const s = fair()
    assert.equal(s.answerWantHave(0), 'block')
    assert.equal(s.answerWantHave(1024), 'block')
    assert.equal(s.answerWantHave(1025), 'have')
    assert.equal(fair(1, { wantHaveReplaceSize: 4096 }).answerWantHave(4096), 'block')
    assert.equal(fair(1, { wantHaveReplaceSize: 0 }).answerWantHave(0), 'have')
  })

  it('rejects impossible settings', () => {
    assert.throws(() => fair(1, { pendingCap: 0 }), RangeError)
    assert.throws(() => fair(1, { starvationMs: -1 }), RangeError)
    assert.throws(() => fair(1, { wantHaveReplaceSize: 1.5 }), RangeError)
  })
})
