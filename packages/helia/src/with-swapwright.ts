import { SwapwrightBlockBroker, type SwapwrightInit } from './block-broker.js'
import { ConflictingBrokerError, MissingLibp2pError } from './errors.js'
import { BROKER_NAME } from './progress.js'
import type { Helia } from '@helia/interface'
import type { Libp2p } from '@libp2p/interface'

/** A Helia node with Swapwright as its Bitswap: `helia.swapwright.bitswap` is the running node. */
export type HeliaWithSwapwright<H extends Helia> = H & { swapwright: SwapwrightBlockBroker }

/**
 * Makes Swapwright the Helia node's Bitswap: `withSwapwright(createHelia())`, or over the light form,
 * `withSwapwright(withLibp2pLight(createHeliaLight(), options))`. Apply it after `withLibp2p*`.
 *
 * The broker is added at once, under the name `bitswap`, so Helia's own Bitswap (which `createHelia` adds at
 * start unless a `bitswap` broker is there) never registers its `/ipfs/bitswap/*` handlers beside ours. The
 * Swapwright node itself is built once Helia's libp2p has started, and stopped when Helia stops.
 */
export function withSwapwright<H extends Helia> (helia: H, init: SwapwrightInit = {}): HeliaWithSwapwright<H> {
  if (helia.hasBlockBroker(BROKER_NAME)) {
    throw new ConflictingBrokerError('This Helia node already has a Bitswap block broker; Swapwright replaces it, so leave it out of `blockBrokers`')
  }
  const broker = new SwapwrightBlockBroker(init)
  helia.addBlockBroker(broker)
  helia.addMixin({
    name: 'swapwright',
    start: async (node) => {
      await broker.attach({ libp2p: libp2pOf(node), blockstore: node.blockstore, routing: node.routing })
    },
    stop: async () => {
      await broker.stop()
    }
  })
  return Object.assign(helia, { swapwright: broker })
}

function libp2pOf (helia: Helia): Libp2p {
  let libp2p: unknown
  try {
    libp2p = (helia as Helia & { libp2p?: Libp2p }).libp2p
  } catch {}
  if (libp2p == null) {
    throw new MissingLibp2pError('Swapwright needs the Helia node\'s libp2p: apply withSwapwright after withLibp2p (or withLibp2pLight)')
  }
  return libp2p as Libp2p
}
