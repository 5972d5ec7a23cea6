import { peerIdFromString } from '@libp2p/peer-id'
import { CustomProgressEvent, type ProgressEvent } from 'progress-events'
import { equals } from 'multiformats/bytes'
import type { Bitswap, BitswapEvents, WantProgressEvent } from '@swapwright/core'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'

/** The broker's name in Helia's `helia:block-broker:*` events, as Helia's own Bitswap calls itself. */
export const BROKER_NAME = 'bitswap'

export type OnProgress = ((event: ProgressEvent<string, unknown>) => void) | undefined

/**
 * The node's own progress for one want, passed on under its own name, and its send as Helia's `bitswap:want`
 * (what `@helia/bitswap` reports when a want goes out).
 */
export function wantProgress (onProgress: OnProgress): ((event: WantProgressEvent) => void) | undefined {
  if (onProgress == null) return undefined
  return (event) => {
    onProgress(new CustomProgressEvent(event.type, event.detail))
    if (event.type === 'bitswap:want:sent') onProgress(new CustomProgressEvent('bitswap:want', event.detail))
  }
}

/**
 * Reports which peer delivered `cid` while a fetch waits for it, as `@helia/bitswap` does (`bitswap:block`)
 * and as Helia's block brokers do (`helia:block-broker:receive-block`). Returns the call that stops listening.
 */
export function watchArrival (node: Bitswap, cid: CID, onProgress: OnProgress): () => void {
  if (onProgress == null) return () => {}
  const listener = (event: BitswapEvents['block:received']): void => {
    if (!equals(event.detail.cid.multihash.bytes, cid.multihash.bytes)) return
    const sender = peerIdFromString(event.detail.peer)
    onProgress(new CustomProgressEvent('bitswap:block', { cid, sender }))
    onProgress(new CustomProgressEvent('helia:block-broker:receive-block', {
      broker: BROKER_NAME, type: 'receive-block', provider: sender.toCID(), cid
    }))
  }
  node.addEventListener('block:received', listener)
  return () => { node.removeEventListener('block:received', listener) }
}

/** Helia's `helia:block-broker:connect`, before a provider is dialled. */
export function connectProgress (onProgress: OnProgress, provider: CID, cid: CID | undefined): void {
  if (cid == null) return
  onProgress?.(new CustomProgressEvent('helia:block-broker:connect', { broker: BROKER_NAME, type: 'connect', provider, cid }))
}

/** Helia's `helia:block-broker:connected`, once a provider is connected and speaks Bitswap. */
export function connectedProgress (onProgress: OnProgress, provider: CID, address: Multiaddr, cid: CID | undefined): void {
  if (cid == null) return
  onProgress?.(new CustomProgressEvent('helia:block-broker:connected', {
    broker: BROKER_NAME, type: 'connected', provider, address, cid
  }))
}
