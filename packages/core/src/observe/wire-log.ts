import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'
import type { WireTap } from './wire-tap.js'
import type { Bitswap } from '../bitswap.js'
import type { PeerKey } from '../types.js'
import type { BitswapMessage, DecodedMessage } from '../wire/types.js'

/** The component names of the node's traffic logs: `DEBUG=swapwright:bitswap*` shows them, `...:trace` too. */
export const WIRE_LOG = 'swapwright:bitswap:wire'
export const PEERS_LOG = 'swapwright:bitswap:peers'

/**
 * A logger's trace level, which says whether it is on (libp2p's loggers do; the type leaves it out). Trace is on
 * only when DEBUG names it: `DEBUG=swapwright*,swapwright*:trace`.
 */
type TraceLog = Logger['trace'] & { enabled?: boolean }

function traceOf (log: Logger): TraceLog {
  return log.trace as TraceLog
}

/**
 * A tap that logs the node's traffic through `logger` (libp2p's per-component logger: a libp2p node's
 * `components.logger`, else `@libp2p/logger`'s default). At trace level (`DEBUG=swapwright:bitswap:wire:trace`, named as such)
 * one line per want, cancel, presence and block sent or received; at debug level the peers coming and going.
 * When a level is off its lines cost one check per message.
 */
export function wireLog (logger: ComponentLogger = defaultLogger()): WireTap {
  const wire = logger.forComponent(WIRE_LOG)
  const peers = logger.forComponent(PEERS_LOG)
  const trace = traceOf(wire)
  return {
    sent: (peer: PeerKey, message: BitswapMessage) => {
      if (trace.enabled !== true) return
      for (const entry of message.wantlist?.entries ?? []) {
        if (entry.cancel) trace('to %s: cancel %c', peer, entry.cid)
        else trace('to %s: want-%s %c%s', peer, entry.wantType, entry.cid, entry.wantType === 'have' && !entry.sendDontHave ? ' (broadcast)' : '')
      }
      for (const presence of message.presences) trace('to %s: %s %c', peer, presence.type, presence.cid)
      for (const block of message.blocks) trace('to %s: block of %d bytes', peer, block.data.byteLength)
    },
    received: (peer: PeerKey, message: DecodedMessage, bytes: number) => {
      if (trace.enabled !== true) return
      trace('from %s: message of %d bytes, %d wants, %d presences, %d blocks, %d pending bytes', peer, bytes,
        message.wantlist?.entries.length ?? 0, message.presences.length, message.blocks.length, message.pendingBytes)
      for (const presence of message.presences) trace('from %s: %s %c', peer, presence.type, presence.cid)
      for (const entry of message.wantlist?.entries ?? []) {
        trace('from %s: %s %c', peer, entry.cancel ? 'cancel' : `want-${entry.wantType}`, entry.cid)
      }
    },
    connected: (peer, version) => { peers('%s connected, speaking Bitswap %s', peer, version) },
    disconnected: (peer) => { peers('%s disconnected', peer) }
  }
}

/**
 * Logs each verified block with its CID and sender (trace, under `WIRE_LOG`): what only the node knows, as a
 * block's CID is learnt by hashing it. Added only when tracing is on as it starts. Returns a function that stops it.
 */
export function logNode (node: Pick<Bitswap, 'addEventListener' | 'removeEventListener'>, logger: ComponentLogger = defaultLogger()): () => void {
  const trace = traceOf(logger.forComponent(WIRE_LOG))
  // The node builds a block event only for a listener: none is added unless its line would be written.
  if (trace.enabled !== true) return () => {}
  const onBlock = (event: CustomEvent<{ peer: PeerKey, cid: unknown }>): void => {
    if (trace.enabled === true) trace('from %s: block %c verified and stored', event.detail.peer, event.detail.cid)
  }
  node.addEventListener('block:received', onBlock)
  return () => { node.removeEventListener('block:received', onBlock) }
}
