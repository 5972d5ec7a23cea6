import { factoryPlugin } from '../plugin.js'
import type { BitswapNetwork, NetworkHandler } from '../interfaces/network.js'
import type { Plugin } from '../plugin.js'
import type { PeerKey, ProtocolVersion } from '../types.js'
import type { BitswapMessage, DecodedMessage } from '../wire/types.js'

/**
 * Something that watches a node's traffic without taking part in it: logs, counters, metrics. Every member is
 * optional and called synchronously on the path of the message, so a tap does little work and never throws.
 */
export interface WireTap {
  /** A message is about to be sent to `peer` (before the network takes it; a failed send is still seen). */
  sent?: (peer: PeerKey, message: BitswapMessage) => void
  /**
   * The network finished with a message `sent` saw: written, or failed with `error`. The time between the two is
   * how long the message waited behind back-pressure, which a tap that only sees `sent` cannot tell.
   */
  sendDone?: (peer: PeerKey, message: BitswapMessage, error?: unknown) => void
  /** A message arrived from `peer`, decoded, `bytes` long on the wire. */
  received?: (peer: PeerKey, message: DecodedMessage, bytes: number) => void
  connected?: (peer: PeerKey, version: ProtocolVersion) => void
  disconnected?: (peer: PeerKey) => void
}

/**
 * The network `inner`, with every message sent and received and every peer event also shown to the taps. The
 * rest of the network (its own counters, `connect`, ...) is reached as before; nothing in core changes.
 */
export function tapNetwork (inner: BitswapNetwork, ...taps: WireTap[]): BitswapNetwork {
  const sent = taps.flatMap(tap => tap.sent == null ? [] : [tap.sent])
  const received = taps.flatMap(tap => tap.received == null ? [] : [tap.received])
  const connected = taps.flatMap(tap => tap.connected == null ? [] : [tap.connected])
  const disconnected = taps.flatMap(tap => tap.disconnected == null ? [] : [tap.disconnected])
  const sendDone = taps.flatMap(tap => tap.sendDone == null ? [] : [tap.sendDone])
  const send: BitswapNetwork['send'] = async (peer, message, options) => {
    for (const tap of sent) tap(peer, message)
    // without a tap that waits for the end, the send is the network's own promise: no extra await per message
    if (sendDone.length === 0) return inner.send(peer, message, options)
    let failure: unknown
    let failed = false
    try {
      await inner.send(peer, message, options)
    } catch (err) {
      failure = err
      failed = true
    }
    // a tap that throws must neither fail a send that went through nor hide why one failed
    for (const tap of sendDone) {
      try {
        tap(peer, message, failed ? failure : undefined)
      } catch {}
    }
    if (failed) throw failure
  }
  const start: BitswapNetwork['start'] = async (handler) => inner.start({
    ...handler,
    onMessage: (peer, message, bytes) => {
      for (const tap of received) tap(peer, message, bytes)
      return handler.onMessage(peer, message, bytes)
    },
    onPeerConnected: (peer, version) => {
      for (const tap of connected) tap(peer, version)
      handler.onPeerConnected(peer, version)
    },
    onPeerDisconnected: (peer) => {
      for (const tap of disconnected) tap(peer)
      handler.onPeerDisconnected(peer)
    }
  } satisfies NetworkHandler)
  // A proxy rather than a copy: a network's other members (counters, `totals()`, ...) stay reachable, and its
  // methods run on the network itself, so its private state is its own. Each method is bound once.
  const bound = new Map<PropertyKey, [method: unknown, call: unknown]>()
  return new Proxy(inner, {
    get: (target, key) => {
      if (key === 'send') return send
      if (key === 'start') return start
      const value: unknown = Reflect.get(target, key, target)
      if (typeof value !== 'function') return value
      const cached = bound.get(key)
      if (cached?.[0] === value) return cached[1]
      const call = value.bind(target)
      bound.set(key, [value, call])
      return call
    }
  })
}

/** The network plugin `inner`, tapped (see `tapNetwork`). */
export function tappedNetwork (inner: Plugin<BitswapNetwork>, ...taps: WireTap[]): Plugin<BitswapNetwork> {
  // The inner plugin builds the network from the node's components; the tap wraps what it built.
  return factoryPlugin(inner.name, components => tapNetwork(inner(components), ...taps))
}
