import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_MAX_SEND_TIMEOUT, DEFAULT_SEND_TIMEOUT } from '../src/index.js'
import { isLocalAddress } from '../src/libp2p/addresses.js'
import { sendTimeoutFor, settle } from '../src/libp2p/settings.js'

describe('libp2p network settings: send timeouts that grow with the message', () => {
  const defaults = settle({})

  it('gives small messages the minimum, 10 s', () => {
    assert.equal(sendTimeoutFor(0, defaults), DEFAULT_SEND_TIMEOUT)
    assert.equal(sendTimeoutFor(16 * 1024, defaults), DEFAULT_SEND_TIMEOUT)
  })

  it('gives a large message 2 s plus its size at 100 kbit/s, up to 2 min', () => {
    assert.equal(sendTimeoutFor(250_000, defaults), 22_000)
    assert.equal(sendTimeoutFor(1_000_000, defaults), 82_000)
    assert.equal(sendTimeoutFor(2 * 1024 * 1024, defaults), DEFAULT_MAX_SEND_TIMEOUT)
  })

  it('follows the options, and refuses ones that cannot work', () => {
    const fast = settle({ sendTimeout: 1000, minSendRate: 1_000_000, maxSendTimeout: 5000 })
    assert.equal(sendTimeoutFor(1_000_000, fast), 3000)
    assert.equal(sendTimeoutFor(100_000_000, fast), 5000)
    assert.equal(settle({ sendTimeout: 300_000 }).maxSendTimeout, 300_000, 'a longer minimum raises the default cap')
    assert.throws(() => settle({ sendTimeout: 10_000, maxSendTimeout: 5000 }), /maxSendTimeout/)
    assert.throws(() => settle({ minSendRate: 0 }), /minSendRate/)
    assert.throws(() => settle({ maxOutboundIdle: -1 }), /maxOutboundIdle/)
  })
})

describe('libp2p network: which addresses are local (boxo broadcast control\'s local peers)', () => {
  it('loopback, private and link-local IPv4 and IPv6 are local; public addresses and names are not', () => {
    for (const host of ['127.0.0.1', '10.1.2.3', '192.168.0.9', '172.16.0.1', '172.31.255.1', '169.254.1.1', '::1', 'fd12:3456::1', 'fe80::1', '::ffff:127.0.0.1']) {
      assert.equal(isLocalAddress(host), true, host)
    }
    for (const host of ['8.8.8.8', '172.32.0.1', '2001:db8::1', 'example.com', '::ffff:1.1.1.1']) {
      assert.equal(isLocalAddress(host), false, host)
    }
  })
})
