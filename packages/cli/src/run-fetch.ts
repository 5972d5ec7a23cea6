import { toCidV0, UnknownHashError, WireCounters } from '@swapwright/core'
import { DEFAULT_FIND_TIMEOUT, type DhtSettings } from './dht.js'
import { DEFAULT_NOT_FOUND_TIMEOUT, FETCH_BATCH_WANTS, FETCH_RECEIVE_WINDOW, NODE_STOP_TIMEOUT } from './constants.js'
import { CliError, ExitCode } from './errors.js'
import { FetchReport } from './fetch-report.js'
import { findProvider } from './find-provider.js'
import { joinDht } from './join-dht.js'
import { startNode, type CliNode } from './node.js'
import { IdleWatch } from './idle-watch.js'
import { NotFoundWatch } from './not-found-watch.js'
import { installHalfWindowUpdates } from './yamux-window-updates.js'
import { reachPeers, type PeersReached } from './reach-peers.js'
import type { PeerAddress } from './reach.js'
import type { Output } from './output.js'
import type { Repo } from './repo.js'
import type { Session, WireTap } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

export interface FetchInit {
  /** The root the fetch starts from (the CID of a /ipfs/<cid>/<path>). */
  cid: CID
  /** Peers to fetch from (multiaddrs ending in /p2p/<peer id>). */
  peers: PeerAddress[]
  repo: Repo
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
  /** Give up this long (ms) after every peer answered DONT_HAVE for a block (default `DEFAULT_NOT_FOUND_TIMEOUT`). */
  notFoundTimeout?: number
}

/** Where a fetch stands; a failure names it. */
export type FetchPhase = 'dialling peers' | 'joining the DHT' | 'finding providers' | 'waiting for blocks'

/** What the work of a fetch gets: a session with the peers, and the signal that ends it. */
export interface Fetching {
  /** What each peer did so far. */
  report: FetchReport
  node: CliNode
  session: Session
  /** Aborted by an interrupt, the idle timeout, a block the repository could not store, or a block no peer has. */
  signal: AbortSignal
  /** A block arrived: the idle timeout starts again. */
  touch: () => void
  /** Throws when the given blocks of the DAG can never arrive from the peers at hand (see `oldPeerCheck`). */
  carriable: (cids: readonly CID[]) => void
  /** When the first want was handed to the network (ms since the process started), once it was. */
  firstWantAt: () => number | undefined
  /** The CPU time (user and system, ms) the process had used by then: the start-up's cost apart from waiting. */
  firstWantCpu: () => number | undefined
  /** The blocks of the fetch as a read-only blockstore: from the repository, else through the session. */
  blocks: { get: (cid: CID, options?: { signal?: AbortSignal }) => AsyncGenerator<Uint8Array> }
}

/**
 * Runs `work` with a node connected to the fetch's peers (the --peer ones, or the first provider the DHT
 * names) and one session over them, and turns the ways a fetch ends early into clear errors and exit codes.
 * The node is stopped before this returns, whatever happened.
 */
export async function runFetch<T> (init: FetchInit, work: (fetching: Fetching) => Promise<T>): Promise<T> {
  const { cid, repo, output, signal } = init
  const notFound = new AbortController()
  const watch = new NotFoundWatch(init.notFoundTimeout ?? DEFAULT_NOT_FOUND_TIMEOUT * 1000, (missing, peers) => {
    const which = missing.equals(cid) ? `${cid}` : `${missing} (a block of ${cid})`
    notFound.abort(new CliError(`No peer has ${which}: ${peers.length === 1 ? 'the peer' : `all ${peers.length} peers`} answered DONT_HAVE` +
      `${init.dht == null ? '' : ', and the DHT named no other provider'} (${peers.join(', ')})`, ExitCode.notFound))
  })
  // this process fetches: its streams give credit in halves, over the fetcher's window
  installHalfWindowUpdates()
  const counters = new WireCounters()
  const report = new FetchReport(counters)
  const phase: { now: FetchPhase } = { now: 'dialling peers' }
  // The command's start-up, as the peer sees it: up to the first want leaving for the network
  let firstWantAt: number | undefined
  let firstWantCpu: number | undefined
  const firstWant: WireTap = {
    sent: (_peer, message) => {
      if (firstWantAt != null || message.wantlist?.entries.some(entry => !entry.cancel) !== true) return
      firstWantAt = performance.now()
      // on a busy machine the wall time waits for a processor; the CPU time is what the command itself spent
      const cpu = process.cpuUsage()
      firstWantCpu = (cpu.user + cpu.system) / 1000
    }
  }
  const node = await startNode(repo.blockstore, [], init.dht, {
    counters,
    taps: [firstWant],
    dialing: init.peers.map(peer => peer.multiaddr),
    dialTimeout: init.dialTimeout,
    // the DHT learns its peers' protocols from their identify records; named peers' version comes with the stream
    identifyPeers: init.dht != null,
    receiveWindow: FETCH_RECEIVE_WINDOW,
    batchWants: FETCH_BATCH_WANTS,
    // the acknowledgements, negotiation answers and ends of the peer's streams go out a loop turn at a time
    batchFrames: true,
    observe: feedback => {
      watch.observe(feedback)
      report.observe(feedback)
    },
    onSlowStop: () => { output.warning(`the node did not stop within ${NODE_STOP_TIMEOUT / 1000} s; leaving its connections behind`) }
  })
  const log = node.libp2p.logger.forComponent('swapwright:cli:fetch')
  log('fetching %c from %d named peer(s)%s', cid, init.peers.length, init.dht == null ? '' : ` and the DHT ${init.dht.protocol}`)
  let named: PeersReached | undefined
  try {
    named = await reachPeers(node.libp2p, { peers: init.peers, output, signal, dialTimeout: init.dialTimeout })
    const providers = await initialProviders(node, init, named.reached, phase)
    phase.now = 'waiting for blocks'
    log('session starts with %d provider(s): %s', providers.length, providers.join(', '))
    let arriving = named.joining.length
    const lost = lostPeerWatch(node, providers, () => arriving)
    const session = node.bitswap.createSession({ providers, signal })
    // The other --peer join as their dials end: the fetch does not wait for the slowest handshake.
    const joined = named.joining.map(async late => late.then(async peer => {
      if (peer == null || session.isClosed) return
      providers.push(peer)
      await node.bitswap.components.network.connect(peer, { signal })
      session.addPeer(peer)
    }).catch(err => { log('peer could not join the session: %s', (err as Error).message) }).finally(() => {
      arriving--
      // the last peer may have gone while this one was on its way and then failed to join
      lost.recheck()
    }))
    // Until every peer on its way has joined or failed, the session asks nobody else and no block counts as
    // found nowhere: the late peer may hold it.
    for (const join of joined) {
      session.awaitProvider(join)
      watch.awaitPeer(join)
    }
    // Which Bitswap versions the peers speak is learnt beside the fetch, not before it: the first want goes out
    // without waiting for it (it opens the same stream). It counts every named peer reached, so it is in place
    // once the last dial has ended: with one peer, long before the first level of leaves is wanted (the root has
    // to arrive first); with a peer slow to answer, only then (a want it blocks meanwhile waits, as before).
    let check: (cids: readonly CID[]) => void = () => {}
    if (init.dht == null) {
      void Promise.all(joined).then(async () => session.isClosed ? () => {} : oldPeerCheck(node, providers, signal)).then(ready => { check = ready })
    }
    const carriable = (cids: readonly CID[]): void => { check(cids) }
    const idle = new IdleWatch(init.idleTimeout)
    const touch = (): void => { idle.touch() }
    // a block the repository could not store (a full disk) ends the fetch too
    const ended = AbortSignal.any([signal, idle.signal, repo.writeFailed, notFound.signal, lost.signal])
    const blocks: Fetching['blocks'] = {
      get: async function * (wanted, options) {
        for await (const { bytes } of session.getBlocks([wanted], { signal: options?.signal ?? ended })) {
          touch()
          yield bytes
        }
      }
    }
    try {
      return await work({ node, session, signal: ended, touch, carriable, blocks, report, firstWantAt: () => firstWantAt, firstWantCpu: () => firstWantCpu })
    } catch (err) {
      repo.writeFailed.throwIfAborted()
      notFound.signal.throwIfAborted()
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
      idle.stop()
      lost.stop()
      session.close()
    }
  } catch (err) {
    log('failed while %s: %s', phase.now, (err as Error).message)
    throw told(err, phase.now, report, signal)
  } finally {
    named?.stop()
    watch.stop()
    await node.stop()
  }
}

/**
 * A failed fetch's error, with its story: the phase it failed in and what each peer did (`details` for
 * `--json`, `notes` for people). An interrupt is left as it is: the user knows the story.
 */
function told (err: unknown, phase: FetchPhase, report: FetchReport, signal: AbortSignal): unknown {
  if (signal.aborted && !(err instanceof CliError)) return err
  const failure = err instanceof CliError ? err : new CliError((err as Error).message, ExitCode.failure, { cause: err })
  if (failure.exitCode === ExitCode.interrupted) return failure
  failure.details = { ...failure.details, phase, providers: report.providers() }
  failure.notes = [`failed while ${phase}`, ...report.lines()]
  return failure
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
interface LostPeerWatch {
  signal: AbortSignal
  /** The provider whose leaving ended the fetch. */
  peer?: string
  /** Looks again once a peer on its way has joined or failed: it may have been what kept the fetch going. */
  recheck: () => void
  stop: () => void
}

function lostPeerWatch (node: CliNode, providers: readonly string[], arriving: () => number): LostPeerWatch {
  const controller = new AbortController()
  let gone: string | undefined
  const watch: LostPeerWatch = {
    signal: controller.signal,
    recheck: () => { check() },
    stop: () => { node.bitswap.removeEventListener('peer:disconnected', onGone) }
  }
  const check = (): void => {
    if (gone == null || controller.signal.aborted || node.bitswap.components.network.connectedPeers().length > 0 || arriving() > 0) return
    watch.peer = gone
    controller.abort()
  }
  const onGone = (event: CustomEvent<{ peer: string }>): void => {
    if (!providers.includes(event.detail.peer)) return
    gone = event.detail.peer
    check()
  }
  node.bitswap.addEventListener('peer:disconnected', onGone)
  return watch
}

/** The peers named with --peer, or else the first provider the DHT names; the session may find more later. */
async function initialProviders (node: CliNode, init: FetchInit, reached: readonly string[], phase: { now: FetchPhase }): Promise<string[]> {
  const { output, signal } = init
  const providers = [...reached]
  if (init.dht == null) return providers
  phase.now = 'joining the DHT'
  const joined = await joinDht(node.libp2p, init.dht, init.dialTimeout, output, signal)
  output.event('joined', { protocol: init.dht.protocol, peers: joined }, `joined the DHT ${init.dht.protocol} through ${joined.length} peer(s)`)
  if (providers.length > 0) return providers
  phase.now = 'finding providers'
  const found = await findProvider(node.libp2p, init.cid, {
    timeout: init.findTimeout ?? DEFAULT_FIND_TIMEOUT * 1000, dialTimeout: init.dialTimeout, signal
  })
  output.event('provider', { peer: found.peer, addresses: found.addresses, via: 'dht' }, `found provider ${found.peer} through the DHT`)
  return [found.peer]
}
