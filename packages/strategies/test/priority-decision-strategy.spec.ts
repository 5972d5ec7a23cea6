import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PriorityDecisionStrategy } from '../src/index.js'
import { queue, seeded, task } from './fixtures.js'
import type { DecisionStrategy, PeerQueueView } from '@swapwright/core'

const withHead = (view: PeerQueueView, priority: number): PeerQueueView => ({ ...view, headTask: task(0, priority) })

describe('PriorityDecisionStrategy', () => {
  const s: DecisionStrategy = new PriorityDecisionStrategy(seeded(1))

  it('serves the peer whose next task has the highest priority first', () => {
    const urgent = withHead(queue('urgent', { pendingTasks: 1, activeTasks: 3 }), 100)
    const bulk = withHead(queue('bulk', { pendingTasks: 500 }), 1)
    assert.ok(s.comparePeers(urgent, bulk, 0) < 0)
  })

  it('falls back to the longer backlog, then the lighter load, when views show no head task', () => {
    assert.ok(s.comparePeers(queue('more', { pendingTasks: 20, activeTasks: 2 }), queue('fewer', { pendingTasks: 10 }), 0) < 0)
    assert.ok(s.comparePeers(queue('light', { pendingTasks: 10, activeTasks: 0 }), queue('heavy', { pendingTasks: 10, activeTasks: 1 }), 0) < 0)
  })

  it('lets the backlog decide between equally urgent peers', () => {
    assert.ok(s.comparePeers(withHead(queue('more', { pendingTasks: 9 }), 7), withHead(queue('fewer', { pendingTasks: 3 }), 7), 0) < 0)
  })

  it('ranks a view without a head task below one with', () => {
    assert.ok(s.comparePeers(queue('blind', { pendingTasks: 100 }), withHead(queue('seen', { pendingTasks: 1 }), 0), 0) > 0)
  })

  it('still serves a peer with work before one without', () => {
    assert.ok(s.comparePeers(withHead(queue('idle', { pendingTasks: 0 }), 1000), queue('busy'), 0) > 0)
  })
})
