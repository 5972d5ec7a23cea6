import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ReciprocityDecisionStrategy } from '../src/index.js'
import { queue, seeded } from './fixtures.js'

const NOW = 50_000
const recently = NOW - 100

describe('ReciprocityDecisionStrategy', () => {
  const s = new ReciprocityDecisionStrategy(seeded(1))

  it('serves a peer that gave us more first', () => {
    const generous = queue('generous', { bytesReceived: 10_000, bytesSent: 1000, activeTasks: 2, lastServedAt: recently })
    const leech = queue('leech', { bytesReceived: 100, bytesSent: 50_000, lastServedAt: recently })
    assert.ok(s.comparePeers(generous, leech, NOW) < 0)
    assert.ok(s.comparePeers(leech, generous, NOW) > 0)
  })

  it('lets a starved peer through whatever its score', () => {
    const newcomer = queue('newcomer', { lastServedAt: undefined })
    const generous = queue('generous', { bytesReceived: 1 << 30, lastServedAt: recently })
    assert.ok(s.comparePeers(newcomer, generous, NOW) < 0)
  })

  it('serves the lighter load first among equal scores', () => {
    assert.ok(s.comparePeers(queue('a', { activeTasks: 0, lastServedAt: recently }), queue('b', { activeTasks: 1, lastServedAt: recently }), NOW) < 0)
  })

  it('serves a peer with work before one without', () => {
    assert.ok(s.comparePeers(queue('idle', { pendingTasks: 0, bytesReceived: 1 << 30 }), queue('busy', { lastServedAt: recently }), NOW) > 0)
  })
})
