import { toCidV0, UnknownHashError } from '@swapwright/core'
import { DEFAULT_FIND_TIMEOUT, type DhtSettings } from './dht.js'
import { CliError, ExitCode } from './errors.js'
import { exportDag } from './export-dag.js'
import { fetchDag } from './fetch-dag.js'
import { findProvider } from './find-provider.js'
import { joinDht } from './join-dht.js'
import { startNode, type CliNode } from './node.js'
import { progressBar } from './progress.js'
import { reach } from './reach.js'
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
  /** Join this DHT; with no `peers`, the providers of `cid` are looked up on it. */
  dht?: DhtSettings
  /** How long to look up providers on the DHT, in ms. */
  findTimeout?: number
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
  /** The most resident memory this process has used so far, in bytes. */
  peakMemoryBytes: number
}

/**
 * Fetches a UnixFS DAG from the given peers into the repository (verified block by block), then writes it out.
 * Blocks already in the repository are not fetched again, so running it again after an interruption resumes.
 */
export async function getDag (init: GetInit): Promise<GetSummary> {
  const { cid, repo, output, signal } = init
  const node = await startNode(repo.blockstore, [], init.dht)
  const bar = progressBar(!output.json)
  try {
    const providers = await initialProviders(node, init)
    const carriable = init.dht == null ? await oldPeerCheck(node, providers, signal) : () => {}
    const lost = lostPeerWatch(node, providers)
    const session = node.bitswap.createSession({ providers, signal })
    const started = performance.now()
    const idle = new AbortController()
    let timer = setTimeout(() => { idle.abort() }, init.idleTimeout)
    // a block the repository could not store (a full disk) ends the fetch too
    const both = AbortSignal.any([signal, idle.signal, repo.writeFailed, lost.signal])
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
      }, both, carriable)
    } catch (err) {
      repo.writeFailed.throwIfAborted()
      if (lost.signal.aborted && !signal.aborted) {
        throw new CliError(`Lost the connection to peer ${lost.peer} mid-transfer, and no other peer is connected; the blocks fetched so far are kept, run the same command again to resume`, ExitCode.unreachable)
      }
      if (idle.signal.aborted && !signal.aborted) {
        throw new CliError(`No block arrived for ${init.idleTimeout / 1000} s; the peers may not have ${cid}`, ExitCode.failure)
      }
      if (signal.aborted) throw new CliError('Interrupted; the blocks fetched so far are kept, run the same command again to resume', ExitCode.interrupted)
      if (err instanceof UnknownHashError) {
        throw new CliError(`Cannot fetch ${cid}: a block of it is hashed with multihash code 0x${err.hashCode.toString(16)}, which this command has no hasher for`, ExitCode.usage, { cause: err })
      }
      throw err
    } finally {
      clearTimeout(timer)
      lost.stop()
      bar.stop()
    }
    const seconds = (performance.now() - started) / 1000
    const { duplicateBlocks: duplicates, blocksReceived: received } = session.stats()
    session.close()
    // a fetch that ended just as a write failed must not go on to export a DAG with blocks missing
    repo.writeFailed.throwIfAborted()
    // Every block is local now: the network's buffers and connections are let go of before the file is written.
    await node.stop()
    await exportDag(cid, repo.blockstore, init.out, signal)
    return {
      cid: cid.toString(),
      out: init.out,
      blocks: fetched.blocks,
      bytes: fetched.bytes,
      seconds,
      megabytesPerSecond: fetched.bytes / 1e6 / Math.max(seconds, 1e-6),
      duplicates,
      received,
      // maxRSS is in KiB
      peakMemoryBytes: process.resourceUsage().maxRSS * 1024
    }
  } finally {
    await node.stop()
  }
}

/**
 * Bitswap 1.0.0 (and the bare `/ipfs/bitswap`) carries only blocks with a CIDv0 form. When every peer we fetch
 * from speaks nothing newer, a level of the DAG with another CID can never arrive: the check stops the fetch
 * there, naming the peers and the block, instead of waiting out the idle timeout.
 */
async function oldPeerCheck (node: CliNode, providers: readonly string[], signal: AbortSignal): Promise<(cids: readonly CID[]) => void> {
  const network = node.bitswap.components.network
  const versions = await Promise.all(providers.map(async peer => network.connect(peer, { signal }).catch(() => undefined)))
  if (providers.length === 0 || versions.some(version => version !== '1.0.0')) return () => {}
  return cids => {
    const stuck = cids.find(cid => toCidV0(cid) == null)
    if (stuck == null) return
    throw new CliError(`${providers.join(', ')} ${providers.length === 1 ? 'speaks' : 'speak'} only Bitswap 1.0.0, which cannot carry ${stuck} (it carries CIDv0 dag-pb blocks only)`, ExitCode.unreachable)
  }
}

/**
 * Aborts when a provider disconnects and leaves no Bitswap peer behind: the fetch cannot go on, and saying which
 * peer was lost beats waiting out the idle timeout with a frozen progress bar.
 */
function lostPeerWatch (node: CliNode, providers: readonly string[]): { signal: AbortSignal, peer?: string, stop: () => void } {
  const controller = new AbortController()
  const watch: { signal: AbortSignal, peer?: string, stop: () => void } = {
    signal: controller.signal,
    stop: () => { node.bitswap.removeEventListener('peer:disconnected', onGone) }
  }
  const onGone = (event: CustomEvent<{ peer: string }>): void => {
    if (!providers.includes(event.detail.peer) || node.bitswap.components.network.connectedPeers().length > 0) return
    watch.peer = event.detail.peer
    controller.abort()
  }
  node.bitswap.addEventListener('peer:disconnected', onGone)
  return watch
}

/** The peers named with --peer, or else the first provider the DHT names; the session may find more later. */
async function initialProviders (node: CliNode, init: GetInit): Promise<string[]> {
  const { output, signal } = init
  const providers: string[] = []
  for (const address of init.peers) providers.push(await reach(node.libp2p, address, init.dialTimeout, signal))
  if (init.dht == null) return providers
  const joined = await joinDht(node.libp2p, init.dht, init.dialTimeout, output, signal)
  output.event('joined', { protocol: init.dht.protocol, peers: joined }, `joined the DHT ${init.dht.protocol} through ${joined.length} peer(s)`)
  if (providers.length > 0) return providers
  const found = await findProvider(node.libp2p, init.cid, {
    timeout: init.findTimeout ?? DEFAULT_FIND_TIMEOUT * 1000, dialTimeout: init.dialTimeout, signal
  })
  output.event('provider', { peer: found.peer, addresses: found.addresses, via: 'dht' }, `found provider ${found.peer} through the DHT`)
  return [found.peer]
}
