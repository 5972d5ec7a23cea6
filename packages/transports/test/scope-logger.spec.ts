import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { disable, enable } from '@libp2p/logger'
import { scopeSparingLogger } from '../src/index.js'

describe('scope-sparing logger', () => {
  after(() => { disable() })

  it('makes a scope nobody logs a bare silent logger', () => {
    disable()
    const log = scopeSparingLogger().forComponent('swapwright-test:muxer')
    const first = log.newScope('inbound:1')
    const second = log.newScope('inbound:3')
    assert.equal(first.enabled, false)
    // the stock logger builds a debug logger for each scope's errors; a silent scope shares one no-op
    assert.equal(first.error, second.error, 'a silent scope built its own error logger')
    assert.equal(first.newScope('deeper').enabled, false)
  })

  it('builds a real logger for a scope whose namespace is enabled as it is made, below silent scopes too', () => {
    enable('swapwright-test:muxer:*:inbound:5')
    const log = scopeSparingLogger().forComponent('swapwright-test:muxer')
    const connection = log.newScope('connection')
    assert.equal(connection.enabled, false)
    assert.equal(connection.newScope('inbound:5').enabled, true)
    assert.equal(connection.newScope('inbound:7').enabled, false)
    enable('swapwright-test:other:s:error')
    const errors = scopeSparingLogger().forComponent('swapwright-test:other')
    assert.notEqual(errors.newScope('s').error, errors.newScope('t').error, 'a scope whose errors are logged was silent')
  })
})
