import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_CONFIG, VirtualClock } from '../src/index.js'
import { WantManager } from '../src/client/want-manager.js'
import { cidOf, FakeNetwork } from './fixtures/fake-network.js'

describe('WantManager: sessions per want', () => {
  it('keeps each want’s sessions its own, though wants of one session share a set', async () => {
    const clock = new VirtualClock()
    const manager = new WantManager({ network: new FakeNetwork(clock), clock, config: DEFAULT_CONFIG })
    manager.peerConnected('p')
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(cidOf))
    manager.sendWants(1, 'p', [a, b, c], [])
    // A second session joins one want: the others stay the first session's alone.
    manager.sendWants(2, 'p', [a], [])
    assert.deepEqual([...manager.sessionsWanting(a)].sort(), [1, 2])
    assert.deepEqual([...manager.sessionsWanting(b)], [1])
    // The first session leaves one want it shares and one it holds alone: the others keep what they had.
    manager.cancel(1, [a, b])
    assert.deepEqual([...manager.sessionsWanting(a)], [2])
    assert.equal(manager.isWanted(b), false)
    assert.deepEqual([...manager.sessionsWanting(c)], [1])
    manager.sendWants(3, 'p', [c], [])
    manager.cancel(3, [c])
    assert.deepEqual([...manager.sessionsWanting(c)], [1])
    manager.stop()
  })
})
