import { errorMessage } from '@swapwright/core'
import { CliError, ExitCode } from './errors.js'
import { logRetry, reach, type PeerAddress } from './reach.js'
import type { Output } from './output.js'
import type { Libp2p } from '@libp2p/interface'

export interface ReachPeersInit {
  peers: readonly PeerAddress[]
  output: Output
  /** The user's interrupt. */
  signal: AbortSignal
  /** How long to try reaching each peer, in ms. */
  dialTimeout: number
}

/** The --peer dials of a fetch, from the moment the first of them reached its peer. */
export interface PeersReached {
  /** The peers reached so far: at least one when any was named. The session starts with these. */
  reached: readonly string[]
  /**
   * One per --peer: settles with the peer's id when it was reached after the fetch started (it joins then), or
   * with undefined (it was among the first, it cannot be reached and a warning said so, or the dials stopped).
   */
  joining: ReadonlyArray<Promise<string | undefined>>
  /** Ends the dials still under way, with a warning naming each: the fetch is over and did without them. */
  stop: () => void
}

/**
 * Dials every --peer at once and resolves as soon as one is reached: the fetch starts on it, and the others
 * join as they come, so a slow handshake (or a peer that never answers, up to --dial-timeout) costs the fetch
 * nothing. A peer that cannot be reached is skipped with a warning; none reached is exit 4.
 */
export async function reachPeers (libp2p: Libp2p, init: ReachPeersInit): Promise<PeersReached> {
  const { output } = init
  const stopped = new AbortController()
  const signal = AbortSignal.any([init.signal, stopped.signal])
  const failures: CliError[] = []
  const reached: string[] = []
  let started = false
  if (init.peers.length === 0) return { reached, joining: [], stop: () => {} }
  const dials = init.peers.map(async peer => {
    const begun = performance.now()
    const id = await reach(libp2p, peer, {
      timeout: init.dialTimeout, signal, onRetry: (address, message, delay) => { logRetry(output, address, message, delay) }
    })
    // for scripts: how long the connection took, handshakes and retries included
    output.event('connected', { address: peer.address, ms: Math.round(performance.now() - begun) })
    return id
  })
  return await new Promise<PeersReached>((resolve, reject) => {
    const joining: Array<Promise<string | undefined>> = []
    /** Per peer: its id once reached, null once failed; undefined while its dial is under way. */
    const outcomes: Array<string | null | undefined> = init.peers.map(() => undefined)
    const result: PeersReached = {
      reached,
      joining,
      stop: () => {
        if (stopped.signal.aborted) return
        for (const [i, peer] of init.peers.entries()) {
          if (outcomes[i] === undefined) output.warning(`skipping a peer: Cannot reach ${peer.address} before the fetch ended (still dialling it)`)
        }
        stopped.abort()
      }
    }
    const failed = (err: unknown): void => {
      // an interrupt, a wrong peer id, a bug: before the fetch starts it is the command's error
      if (!(err instanceof CliError) || err.exitCode !== ExitCode.unreachable) {
        if (started) {
          // the fetch goes on without this peer; an interrupt says so itself, anything else is named here
          if (!stopped.signal.aborted && !init.signal.aborted) output.warning(`skipping a peer: ${errorMessage(err)}`)
          return
        }
        // the command ends with this error: the other dials end with it
        stopped.abort()
        reject(err)
        return
      }
      if (started) {
        if (!stopped.signal.aborted) output.warning(`skipping a peer: ${err.message}`)
        return
      }
      failures.push(err)
      // the verdict waits for every dial: one still under way may yet reach its peer
      if (outcomes.includes(undefined)) return
      if (failures.length === 1) reject(failures[0])
      else reject(new CliError(`None of the ${failures.length} peers can be reached: ${failures.map(f => f.message).join('; ')}`, ExitCode.unreachable))
    }
    for (const [i, dial] of dials.entries()) {
      const outcome = dial.then(id => {
        outcomes[i] = id
        if (stopped.signal.aborted) return undefined
        reached.push(id)
        if (started) return id
        started = true
        // what failed before the first peer answered was held back: it is a warning now, not the error
        for (const failure of failures) output.warning(`skipping a peer: ${failure.message}`)
        resolve(result)
        return undefined
      }, err => {
        outcomes[i] = null
        failed(err)
        return undefined
      })
      joining.push(outcome)
    }
  })
}
