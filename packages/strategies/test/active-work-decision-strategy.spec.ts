import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ActiveWorkDecisionStrategy } from '../src/index.js'
import { queue } from './fixtures.js'

describe('ActiveWorkDecisionStrategy', () => {
  const s = new ActiveWorkDecisionStrategy()

  it('serves a peer with work before one without', () => {
    assert.ok(s.comparePeers(queue('idle', { pendingTasks: 0 }), queue('busy', { pendingTasks: 1, activeTasks: 5 })) > 0)
  })

  it('serves the peer with fewer active tasks first', () => {
    assert.ok(s.comparePeers(queue('light', { activeTasks: 0, pendingTasks: 1 }), queue('heavy', { activeTasks: 1, pendingTasks: 100 })) < 0)
  })

  it('serves the longer backlog first, without a cap', () => {
    assert.ok(s.comparePeers(queue('big', { pendingTasks: 1024 }), queue('small', { pendingTasks: 16 })) < 0)
  })

  it('ignores starvation and leaves full ties to the queue', () => {
    assert.equal(s.comparePeers(queue('a', { lastServedAt: undefined }), queue('b', { lastServedAt: 5 })), 0)
  })
})
