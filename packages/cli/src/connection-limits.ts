import { CliError, ExitCode } from './errors.js'

/**
 * How many connections a serving node accepts, and how fast. libp2p's own defaults (5 new connections a second
 * from one address, 10 handshakes at once) reset a crowd behind one address: a build farm, a lab, a NAT.
 */
export interface ConnectionLimits {
  /** Open connections in all, beyond which libp2p closes the least valuable. */
  maxConnections: number
  /** Inbound connections still in their handshake (encryption, muxer) at once; more are refused. */
  maxPendingConnections: number
  /** New inbound connections a second from one address; more are refused. */
  inboundConnectionsPerSecond: number
  /** How long an inbound connection's handshake (encryption, muxer) may take, in ms, before it is dropped. */
  handshakeTimeout: number
}

/** Open connections `serve` keeps in all (`--max-connections`). */
export const DEFAULT_MAX_CONNECTIONS = 1024
/** Inbound handshakes `serve` runs at once (`--max-pending-connections`). */
export const DEFAULT_MAX_PENDING_CONNECTIONS = 256
/** New inbound connections a second from one address that `serve` accepts (`--max-connection-rate`). */
export const DEFAULT_INBOUND_CONNECTIONS_PER_SECOND = 256

/**
 * How long `serve` gives an inbound handshake (`--handshake-timeout`, seconds). A crowd started at once on a small
 * machine is bound by CPU: each handshake waits its turn behind the crowd's own start-up, and libp2p's 10 s dropped
 * handshakes that were merely slow. The pending-handshake cap still bounds what stalled ones can hold.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT = 30

/** The limits from `serve`'s options; anything but a whole number of at least 1 is a usage error naming the option. */
export function parseConnectionLimits (values: { 'max-connections'?: string, 'max-pending-connections'?: string, 'max-connection-rate'?: string, 'handshake-timeout'?: string }): ConnectionLimits {
  return {
    handshakeTimeout: count(values['handshake-timeout'], DEFAULT_HANDSHAKE_TIMEOUT, '--handshake-timeout') * 1000,
    maxConnections: count(values['max-connections'], DEFAULT_MAX_CONNECTIONS, '--max-connections'),
    maxPendingConnections: count(values['max-pending-connections'], DEFAULT_MAX_PENDING_CONNECTIONS, '--max-pending-connections'),
    inboundConnectionsPerSecond: count(values['max-connection-rate'], DEFAULT_INBOUND_CONNECTIONS_PER_SECOND, '--max-connection-rate')
  }
}

function count (value: string | undefined, fallback: number, name: string): number {
  if (value == null) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`${name} must be a whole number of at least 1`, ExitCode.usage)
  return n
}
