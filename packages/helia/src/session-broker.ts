import { logger } from '@libp2p/logger'
import { reachProvider, type HeliaProvider, type ReachOptions } from './providers.js'
import { watchArrival, wantProgress, type OnProgress } from './progress.js'
import type { BlockRetrievalOptions, SessionBlockBroker } from '@helia/interface'
import type { AbortOptions, Libp2p } from '@libp2p/interface'
import type { Bitswap, Session } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

const log = logger('swapwright:helia:session')

/** What a session broker runs on: the running node and the libp2p node under it. */
export interface SessionContext {
  node: Bitswap
  libp2p: Libp2p
}

/**
 * Adds Helia's providers to a Swapwright session, each as soon as it is connected; one that cannot be reached
 * is logged and skipped, as the session still asks its other peers and finds more through routing.
 */
export function addProviders (context: SessionContext, session: Session, providers: readonly HeliaProvider[], options: ReachOptions): void {
  for (const provider of providers) {
    reachProvider(context.libp2p, context.node.components.network, provider, options).then(
      (peer) => { if (!session.isClosed) session.addPeer(peer) },
      (err: Error) => { log('could not reach provider %s: %s', provider, err.message) }
    )
  }
}

/**
 * Fetches one block through a session, with Helia's progress events. Used both by a Helia session and by a
 * single retrieve.
 */
export async function fetchBlock (node: Bitswap, session: Session, cid: CID, options: AbortOptions & { onProgress?: OnProgress }): Promise<Uint8Array> {
  const onProgress = wantProgress(options.onProgress)
  const stopWatching = watchArrival(node, cid, options.onProgress)
  try {
    onProgress?.({ type: 'bitswap:want:sent', detail: cid })
    const bytes = await session.getBlock(cid, { signal: options.signal })
    onProgress?.({ type: 'bitswap:want:received', detail: cid })
    return bytes
  } finally {
    stopWatching()
  }
}

/**
 * Helia never tells a session broker it is done: closing a Helia session only aborts the calls in flight. So a
 * Swapwright session is closed when Helia lets go of its broker (or when the signal given at creation aborts),
 * rather than staying in the node's session table for the node's lifetime.
 */
const released = new FinalizationRegistry<Session>(session => { session.close() })

/**
 * A Helia session over a Swapwright session: the peers that answered for one block are asked first for the
 * next, and more are found when they run dry. Closed when Helia's session signal aborts.
 */
export class SwapwrightSessionBroker implements SessionBlockBroker {
  readonly name = 'bitswap-session'
  private readonly context: SessionContext
  private readonly session: Session
  private readonly onProgress: OnProgress

  constructor (context: SessionContext, session: Session, onProgress: OnProgress) {
    this.context = context
    this.session = session
    this.onProgress = onProgress
    released.register(this, session)
  }

  async retrieve (cid: CID, options: BlockRetrievalOptions = {}): Promise<Uint8Array> {
    return fetchBlock(this.context.node, this.session, cid, { signal: options.signal, onProgress: options.onProgress ?? this.onProgress })
  }

  async announce (cid: CID): Promise<void> {
    await this.context.node.notifyNewBlocks([cid])
  }

  async addPeer (peer: HeliaProvider, options: AbortOptions = {}): Promise<void> {
    const key = await reachProvider(this.context.libp2p, this.context.node.components.network, peer, {
      ...options, onProgress: this.onProgress
    })
    if (!this.session.isClosed) this.session.addPeer(key)
  }
}
