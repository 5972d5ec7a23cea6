import { multiaddr } from '@multiformats/multiaddr'
import { CliError, ExitCode } from './errors.js'
import { exportDag } from './export-dag.js'
import { fetchDag } from './fetch-dag.js'
import { startNode } from './node.js'
import { progressBar } from './progress.js'
import type { Output } from './output.js'
import type { Repo } from './repo.js'
import type { CID } from 'multiformats/cid'

export interface GetInit {
  cid: CID
  /** Multiaddrs of peers to fetch from, each ending in /p2p/<peer id>. */
  peers: string[]
  repo: Repo
  out: string
  output: Output
  signal: AbortSignal
  /** Give up when no block has arrived for this long, in ms. */
  idleTimeout: number
  /** How long to try reaching each peer, in ms. */
  dialTimeout: number
}

export interface GetSummary {
  cid: string
  out: string
  blocks: number
  bytes: number
  seconds: number
  megabytesPerSecond: number
  duplicates: number
  /** Blocks that came over the network this time (the rest were already in the repository). */
  received: number
}

/**
 * Fetches a UnixFS DAG from the given peers into the repository (verified block by block), then writes it out.
 * Blocks already in the repository are not fetched again, so running it again after an interruption resumes.
 */
export async function getDag (init: GetInit): Promise<GetSummary> {
  const { cid, repo, output, signal } = init
  const node = await startNode(repo.blockstore, [])
  const bar = progressBar(!output.json)
  try {
    const providers: string[] = []
    for (const address of init.peers) providers.push(await reach(node.libp2p, address, init.dialTimeout, signal))
    const session = node.bitswap.createSession({ providers, signal })
    const started = performance.now()
    const idle = new AbortController()
    let timer = setTimeout(() => { idle.abort() }, init.idleTimeout)
    const both = AbortSignal.any([signal, idle.signal])
    let fetched
    let lastReport = 0
    try {
      fetched = await fetchDag(session, cid, progress => {
        clearTimeout(timer)
        timer = setTimeout(() => { idle.abort() }, init.idleTimeout)
        bar.update(progress.blocks, progress.bytes)
        // Scripts see progress too, at most ten times a second.
        const now = performance.now()
        if (output.json && (progress.blocks === 1 || now - lastReport >= 100)) {
          lastReport = now
          output.event('progress', { blocks: progress.blocks, bytes: progress.bytes })
        }
      }, both)
    } catch (err) {
      if (idle.signal.aborted && !signal.aborted) {
        throw new CliError(`No block arrived for ${init.idleTimeout / 1000} s; the peers may not have ${cid}`, ExitCode.failure)
      }
      if (signal.aborted) throw new CliError('Interrupted; the blocks fetched so far are kept, run the same command again to resume', ExitCode.interrupted)
      throw err
    } finally {
      clearTimeout(timer)
      bar.stop()
    }
    const seconds = (performance.now() - started) / 1000
    const { duplicateBlocks: duplicates, blocksReceived: received } = session.stats()
    session.close()
    await exportDag(cid, repo.blockstore, init.out, signal)
    return {
      cid: cid.toString(),
      out: init.out,
      blocks: fetched.blocks,
      bytes: fetched.bytes,
      seconds,
      megabytesPerSecond: fetched.bytes / 1e6 / Math.max(seconds, 1e-6),
      duplicates,
      received
    }
  } finally {
    await node.stop()
  }
}

/** Dials a peer by multiaddr and returns its peer id; a peer that cannot be reached is a clear error. */
async function reach (libp2p: Awaited<ReturnType<typeof startNode>>['libp2p'], address: string, timeout: number, signal: AbortSignal): Promise<string> {
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
