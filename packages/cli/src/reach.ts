import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { errorMessage, systemClock } from '@swapwright/core'
import { DIAL_RETRY_FIRST_DELAY, DIAL_RETRY_MAX_DELAY } from './constants.js'
import { CliError, ExitCode } from './errors.js'
import type { Output } from './output.js'
import type { Libp2p } from '@libp2p/interface'

/** A peer's address as given on the command line, checked before any work starts. */
export interface PeerAddress {
  address: string
  multiaddr: Multiaddr
  peer: string
}

/** Parses a multiaddr that must end in /p2p/<peer id>; anything else is a usage error. */
export function parsePeerAddress (address: string): PeerAddress {
  const ma = parseMultiaddr(address)
  const peer = ma.getComponents().findLast(c => c.name === 'p2p')?.value
  if (peer == null) throw new CliError(`The address ${address} has no /p2p/<peer id> part`, ExitCode.usage)
  return { address, multiaddr: ma, peer }
}

/** Parses a multiaddr; anything else is a usage error with an example of the form expected. */
export function parseMultiaddr (address: string): Multiaddr {
  try {
    return multiaddr(address)
  } catch (err) {
    throw new CliError(`Not a multiaddr: ${address} (a multiaddr looks like /ip4/127.0.0.1/tcp/4001)`, ExitCode.usage, { cause: err })
  }
}

export interface ReachOptions {
  /** Give up after this long, in ms, retries included. */
  timeout: number
  signal: AbortSignal
  /** Told of each dial that was refused or reset and will be tried again after `delay` ms. */
  onRetry?: (address: string, message: string, delay: number) => void
}

/**
 * Dials a peer by multiaddr and returns its peer id. A dial that is refused or reset (a server busy with a
 * crowd of handshakes, or still starting) is tried again with a doubling pause until the timeout; a peer that
 * still cannot be reached is a clear error (exit 4). One attempt may take the whole timeout (the node is made
 * with it as libp2p's dial timeout): on a busy machine a handshake is slow, not failed.
 */
export async function reach (libp2p: Libp2p, address: string | PeerAddress, options: ReachOptions): Promise<string> {
  const target = typeof address === 'string' ? parsePeerAddress(address) : address
  const deadline = AbortSignal.timeout(options.timeout)
  const bounded = AbortSignal.any([options.signal, deadline])
  let delay = DIAL_RETRY_FIRST_DELAY
  for (;;) {
    try {
      await libp2p.dial(target.multiaddr, { signal: bounded })
      return target.peer
    } catch (err) {
      if (options.signal.aborted) throw new CliError('Interrupted', ExitCode.interrupted)
      if (bounded.aborted || !refusedOrReset(err)) {
        throw new CliError(`Cannot reach ${target.address}: ${errorMessage(err)}`, ExitCode.unreachable, { cause: err })
      }
      // a little jitter, so a crowd that was turned away at once does not come back at once
      const pause = Math.round(delay * (0.75 + Math.random() / 2))
      options.onRetry?.(target.address, errorMessage(err), pause)
      try {
        await systemClock().sleep(pause, { signal: bounded })
      } catch {
        if (options.signal.aborted) throw new CliError('Interrupted', ExitCode.interrupted)
        throw new CliError(`Cannot reach ${target.address} within ${options.timeout / 1000} s: ${errorMessage(err)}`, ExitCode.unreachable, { cause: err })
      }
      delay = Math.min(delay * 2, DIAL_RETRY_MAX_DELAY)
    }
  }
}

const REFUSED_OR_RESET = /ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|\breset\b|refused|closed/i
/**
 * libp2p's word for a connection that ended while the encryption was being chosen, with no cause attached:
 * what a server dropping a connection from a crowd looks like from here.
 */
const DROPPED_IN_HANDSHAKE = /^Encryption failed$/

/** A dial the other end turned away or dropped, as opposed to a wrong peer id or an unusable address. */
function refusedOrReset (err: unknown): boolean {
  for (let e = err as { message?: string, code?: string, cause?: unknown, errors?: unknown[] } | undefined, depth = 0; e != null && depth < 8; depth++) {
    if (REFUSED_OR_RESET.test(`${e.code ?? ''} ${e.message ?? ''}`) || DROPPED_IN_HANDSHAKE.test(e.message ?? '')) return true
    if (Array.isArray(e.errors) && e.errors.some(refusedOrReset)) return true
    e = e.cause as typeof e
  }
  return false
}

/** Tells the user that a dial is being tried again. */
export function logRetry (output: Output, address: string, message: string, delay: number): void {
  output.event('dial-retry', { address, message, delayMs: delay }, `${address} turned the connection away (${message}); dialling again in ${delay} ms`)
}
