import { multiaddr } from '@multiformats/multiaddr'
import { CliError, ExitCode } from './errors.js'
import type { Libp2p } from '@libp2p/interface'

/** Dials a peer by multiaddr and returns its peer id; a peer that cannot be reached is a clear error. */
export async function reach (libp2p: Libp2p, address: string, timeout: number, signal: AbortSignal): Promise<string> {
  let ma
  try {
    ma = multiaddr(address)
  } catch (err) {
    throw new CliError(`Not a multiaddr: ${address}`, ExitCode.usage, { cause: err })
  }
  const peer = ma.getComponents().findLast(c => c.name === 'p2p')?.value
  if (peer == null) throw new CliError(`The address ${address} has no /p2p/<peer id> part`, ExitCode.usage)
  try {
    await libp2p.dial(ma, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]) })
  } catch (err) {
    if (signal.aborted) throw new CliError('Interrupted', ExitCode.interrupted)
    throw new CliError(`Cannot reach ${address}: ${(err as Error).message}`, ExitCode.unreachable, { cause: err })
  }
  return peer
}
