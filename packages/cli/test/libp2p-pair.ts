import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from '@libp2p/interface'

/** Two bare libp2p nodes over TCP + noise + yamux: a server listening on loopback and a fetcher listening nowhere. */
export async function libp2pPair (): Promise<{ server: Libp2p, fetcher: Libp2p }> {
  const stack = (listen: string[]): Parameters<typeof createLibp2p>[0] => ({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  return { server: await createLibp2p(stack(['/ip4/127.0.0.1/tcp/0'])), fetcher: await createLibp2p(stack([])) }
}

/**
 * The collations (`localeCompare` calls) made while `run` runs: filing a peer record sorts its protocols, so this
 * counts the peer store's filing work without reaching into it.
 */
export async function collationsDuring (run: () => Promise<void>): Promise<number> {
  let sorts = 0
  const localeCompare = Object.getOwnPropertyDescriptor(String.prototype, 'localeCompare')
  const original = String.prototype.localeCompare
  String.prototype.localeCompare = function (...args: Parameters<typeof original>) {
    sorts++
    return original.apply(this, args)
  }
  try {
    await run()
  } finally {
    if (localeCompare != null) Object.defineProperty(String.prototype, 'localeCompare', localeCompare)
  }
  return sorts
}
