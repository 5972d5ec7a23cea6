import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_INBOUND_CONNECTIONS_PER_SECOND, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_CONNECTIONS, parseConnectionLimits } from '../src/connection-limits.js'
import { CliError, ExitCode } from '../src/errors.js'

describe("serve's connection limits", () => {
  it('default to the documented values, the handshake timeout in ms', () => {
    assert.deepEqual(parseConnectionLimits({}), {
      maxConnections: DEFAULT_MAX_CONNECTIONS,
      maxPendingConnections: DEFAULT_MAX_PENDING_CONNECTIONS,
      inboundConnectionsPerSecond: DEFAULT_INBOUND_CONNECTIONS_PER_SECOND,
      handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT * 1000
    })
  })

  it('take each flag', () => {
    assert.deepEqual(parseConnectionLimits({ 'max-connections': '10', 'max-pending-connections': '3', 'max-connection-rate': '2', 'handshake-timeout': '45' }), {
      maxConnections: 10, maxPendingConnections: 3, inboundConnectionsPerSecond: 2, handshakeTimeout: 45_000
    })
  })

  for (const [flag, value] of [['handshake-timeout', '0'], ['handshake-timeout', '1.5'], ['max-connections', 'many'], ['max-connection-rate', '-1']]) {
    it(`--${flag} ${value} is a usage error naming the flag`, () => {
      assert.throws(() => parseConnectionLimits({ [flag]: value }), (err: unknown) =>
        err instanceof CliError && err.exitCode === ExitCode.usage && err.message.startsWith(`--${flag} must be a whole number`))
    })
  }
})
