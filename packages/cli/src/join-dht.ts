import { CliError, ExitCode } from './errors.js'
import { logRetry, reach } from './reach.js'
import type { DhtSettings } from './dht.js'
import type { Output } from './output.js'
import type { IdentifyResult, Libp2p } from '@libp2p/interface'

/**
 * Dials the bootstrap peers and checks that each one speaks our DHT protocol, so that a wrong address or a
 * peer without the DHT fails here, clearly, instead of as a lookup that never gets going. Peers that fail are
 * reported and skipped; when none is left the command cannot go on (exit 4). Returns the peers joined.
 */
export async function joinDht (libp2p: Libp2p, settings: DhtSettings, dialTimeout: number, output: Output, signal: AbortSignal): Promise<string[]> {
  const joined: string[] = []
  const failures: CliError[] = []
  await Promise.all(settings.bootstrap.map(async address => {
    try {
      const peer = await reach(libp2p, address, {
        timeout: dialTimeout, signal, onRetry: (at, message, delay) => { logRetry(output, at, message, delay) }
      })
      await speaksDht(libp2p, peer, address, settings.protocol, dialTimeout, signal)
      joined.push(peer)
    } catch (err) {
      if (!(err instanceof CliError) || err.exitCode !== ExitCode.unreachable) throw err
      failures.push(err)
      if (settings.bootstrap.length > 1) output.event('bootstrap-failed', { address, message: err.message }, `skipping a bootstrap peer: ${err.message}`)
    }
  }))
  if (joined.length === 0) {
    if (failures.length === 1) throw failures[0]
    throw new CliError(`None of the ${failures.length} bootstrap peers could be joined (see above why)`, ExitCode.unreachable)
  }
  return joined
}

/** Resolves once identify shows the peer speaks `protocol`; fails once it shows it does not, or after `timeout`. */
async function speaksDht (libp2p: Libp2p, peer: string, address: string, protocol: string, timeout: number, signal: AbortSignal): Promise<void> {
  let protocols: string[]
  try {
    protocols = await identifiedProtocols(libp2p, peer, AbortSignal.any([signal, AbortSignal.timeout(timeout)]))
  } catch {
    if (signal.aborted) throw new CliError('Interrupted', ExitCode.interrupted)
    throw new CliError(`${address} did not say which protocols it speaks within ${timeout / 1000} s`, ExitCode.unreachable)
  }
  if (!protocols.includes(protocol)) {
    throw new CliError(`${address} does not run the DHT ${protocol}: start it with swapwright serve --dht, ` +
      'and give both ends the same --public or --dht-protocol', ExitCode.unreachable)
  }
}

/** The protocols a connected peer told us through identify, waiting for identify to finish if need be. */
async function identifiedProtocols (libp2p: Libp2p, peer: string, signal: AbortSignal): Promise<string[]> {
  signal.throwIfAborted()
  const id = libp2p.getConnections().find(c => c.remotePeer.toString() === peer)?.remotePeer
  if (id == null) throw new Error('not connected')
  let cleanup = (): void => {}
  const identified = new Promise<string[]>((resolve, reject) => {
    const onIdentify = (event: CustomEvent<IdentifyResult>): void => {
      if (event.detail.peerId.toString() === peer) resolve(event.detail.protocols)
    }
    const onAbort = (): void => { reject(signal.reason) }
    libp2p.addEventListener('peer:identify', onIdentify)
    signal.addEventListener('abort', onAbort, { once: true })
    cleanup = () => {
      libp2p.removeEventListener('peer:identify', onIdentify)
      signal.removeEventListener('abort', onAbort)
    }
  })
  try {
    // Identify may have finished before we started listening: the peer store then knows already.
    const known = await libp2p.peerStore.get(id).then(p => p.protocols, () => [])
    return known.length > 0 ? known : await identified
  } finally {
    cleanup()
    identified.catch(() => {})
  }
}
