import { identify, type Identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import type { Libp2p, Stream } from '@libp2p/interface'

export type TestNode = Libp2p<{ identify: Identify }>

/**
 * The stack every test node runs: TCP on 127.0.0.1 only (an OS-chosen port), noise and yamux. Nothing else: no
 * bootstrap, no discovery, no relay, so a test only ever talks to the nodes it created. Add the services.
 */
export function loopbackStack (): {
  addresses: { listen: string[] }
  transports: Array<ReturnType<typeof tcp>>
  connectionEncrypters: Array<ReturnType<typeof noise>>
  streamMuxers: Array<ReturnType<typeof yamux>>
} {
  return {
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  }
}

/**
 * A real libp2p node for tests: the loopback stack and identify; libp2p's connection limits unless given (a node
 * that a crowd dials at once needs more than libp2p's few new connections a second from one address).
 */
export async function createNode (connectionManager?: Libp2pOptions['connectionManager']): Promise<TestNode> {
  return createLibp2p({ ...loopbackStack(), services: { identify: identify() }, ...(connectionManager == null ? {} : { connectionManager }) })
}

/** The node's listen addresses as strings, each ending in /p2p/<peer id>. */
export function addressesOf (node: Libp2p): string[] {
  return node.getMultiaddrs().map(ma => ma.toString())
}

/** Dials `to` from `from` by its addresses (a plain libp2p dial, not Bitswap's connect). */
export async function dialNode (from: Libp2p, to: Libp2p): Promise<void> {
  await from.dial(to.getMultiaddrs())
}

/** Stops every node given, even if some fail; undefined entries (a setup that failed half way) are skipped. */
export async function stopNodes (...nodes: Array<Libp2p | undefined>): Promise<void> {
  await Promise.allSettled(nodes.map(async node => node?.stop()))
}

/** Open streams from `node` to `peer` on protocols starting with `prefix`, in the given direction. */
export function streamsTo (node: Libp2p, peer: Libp2p, direction: 'inbound' | 'outbound', prefix = '/ipfs/bitswap'): Stream[] {
  return node.getConnections(peer.peerId)
    .flatMap(connection => connection.streams)
    .filter(stream => stream.direction === direction && stream.protocol.startsWith(prefix))
}

/** Resolves once the stream has closed or been reset (at once if it already has); gives up as `within` does. */
export async function closed (stream: Stream): Promise<void> {
  if (stream.status !== 'open' && stream.status !== 'closing') return
  await within(new Promise<void>(resolve => { stream.addEventListener('close', () => { resolve() }, { once: true }) }), `stream ${stream.id} (${stream.protocol}) to close`)
}

/**
 * `promise`, or an error naming `what` once `timeoutMs` (default 90 s, far beyond any wait here) has passed: an
 * awaited event that never comes fails its test with a reason, rather than at the runner's timeout with none.
 */
export async function within<T> (promise: Promise<T>, what: string, timeoutMs = 90_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const gaveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`gave up after ${timeoutMs} ms waiting for ${what}`)) }, timeoutMs)
  })
  try {
    return await Promise.race([promise, gaveUp])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Waits until `condition` holds, checking every few ms. Used to wait for something that happens on another
 * node; never to assert on timing. It gives up with an error after `timeoutMs` (default 90 s, far beyond any
 * wait here): the test runner's own timeout fails the test but cannot stop this loop, whose timers would keep the
 * test file's process alive for good. `what` says in the error what was awaited (a string, or a function for a
 * description of the state at that moment).
 */
export async function until (condition: () => boolean, what: string | (() => string) = 'condition', timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
