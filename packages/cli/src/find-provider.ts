import { errorMessage, systemClock } from '@swapwright/core'
import { CliError, ExitCode } from './errors.js'
import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/**
 * Pause between two provider lookups, in ms: a lookup that ends empty is tried again until `--find-timeout`,
 * since a node that has just started serving may still be announcing.
 */
export const FIND_RETRY_DELAY = 1000

export interface FoundProvider {
  peer: string
  addresses: string[]
}

export interface FindInit {
  /** Give up after this long, in ms. */
  timeout: number
  /** How long to try reaching each provider found, in ms. */
  dialTimeout: number
  signal: AbortSignal
}

/**
 * Looks up providers of `cid` on the DHT until one of them answers a dial, and returns it (connected); the
 * session finds any others itself. None found, or none reachable, within the timeout: exit 4.
 */
export async function findProvider (libp2p: Libp2p, cid: CID, init: FindInit): Promise<FoundProvider> {
  const { signal } = init
  const deadline = AbortSignal.timeout(init.timeout)
  const bounded = AbortSignal.any([signal, deadline])
  const self = libp2p.peerId.toString()
  const unreachable = new Map<string, string>()
  try {
    while (true) {
      for await (const provider of libp2p.contentRouting.findProviders(cid, { signal: bounded })) {
        const peer = provider.id.toString()
        if (peer === self || unreachable.has(peer)) continue
        try {
          if (provider.multiaddrs.length > 0) await libp2p.peerStore.merge(provider.id, { multiaddrs: provider.multiaddrs })
          await libp2p.dial(provider.id, { signal: AbortSignal.any([bounded, AbortSignal.timeout(init.dialTimeout)]) })
          return { peer, addresses: provider.multiaddrs.map(a => a.toString()) }
        } catch (err) {
          if (bounded.aborted) throw err
          unreachable.set(peer, errorMessage(err))
        }
      }
      await systemClock().sleep(FIND_RETRY_DELAY, { signal: bounded })
    }
  } catch (err) {
    if (signal.aborted) throw new CliError('Interrupted', ExitCode.interrupted)
    if (!deadline.aborted) throw new CliError(`Looking up providers of ${cid} failed: ${errorMessage(err)}`, ExitCode.unreachable, { cause: err })
  }
  const seconds = init.timeout / 1000
  if (unreachable.size > 0) {
    const [peer, reason] = [...unreachable][0]
    throw new CliError(`The DHT named ${unreachable.size} provider(s) of ${cid} but none could be reached within ${seconds} s ` +
      `(${peer}: ${reason})`, ExitCode.unreachable)
  }
  throw new CliError(`No provider of ${cid} found through the DHT within ${seconds} s (see --find-timeout)`, ExitCode.unreachable)
}
