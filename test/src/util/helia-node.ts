import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight, type HeliaWithLibp2p } from '@helia/libp2p'
import { identify, type Identify } from '@libp2p/identify'
import { withSwapwright, type HeliaWithSwapwright } from '@swapwright/helia'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { createHeliaLight, type HeliaInit } from 'helia'
import { loopbackStack } from './libp2p-node.js'

export type HeliaNode = HeliaWithLibp2p<{ identify: Identify }>

/**
 * A Helia node as an interop peer: in-memory stores, libp2p on 127.0.0.1 only (TCP, noise, yamux, identify) and
 * Bitswap as its only block broker. No routers, gateways, bootstrap or discovery, so it only ever talks to the
 * nodes a test connects it to. Identify is required: Helia's Bitswap learns its peers through the topology.
 */
export async function createHeliaNode (): Promise<HeliaNode> {
  const helia = withBitswap(withLibp2pLight(createHeliaLight({
    blockstore: new MemoryBlockstore(),
    datastore: new MemoryDatastore()
  }), {
    ...loopbackStack(),
    services: { identify: identify() }
  }))
  await helia.start()
  return helia
}

/** Reads a block out of a Helia blockstore (which yields it in chunks) as one array. */
export async function heliaGet (helia: HeliaNode, ...args: Parameters<HeliaNode['blockstore']['get']>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of helia.blockstore.get(...args)) chunks.push(chunk)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

/**
 * A Helia node whose Bitswap is Swapwright (`@swapwright/helia`): the same loopback stack and stores as
 * `createHeliaNode`, with `withSwapwright` in place of `withBitswap`. Not started: tests start it.
 */
export function swapwrightHelia (init: Pick<HeliaInit, 'routers'> = {}): HeliaWithSwapwright<HeliaNode> {
  return withSwapwright(withLibp2pLight(createHeliaLight({
    ...init,
    blockstore: new MemoryBlockstore(),
    datastore: new MemoryDatastore()
  }), {
    ...loopbackStack(),
    services: { identify: identify() }
  }))
}
