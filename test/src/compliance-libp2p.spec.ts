import { describe, it } from 'node:test'
import { networkCases } from '@swapwright/compliance/network'
import { providerFinderCases } from '@swapwright/compliance/provider-finder'
import { BITSWAP_PROTOCOLS, versionOf, type ProtocolVersion } from '@swapwright/core'
import { DhtProviderFinder, Libp2pBitswapNetwork } from '@swapwright/transports'
import { createDhtNode, type DhtNode } from './util/dht-node.js'
import { addressesOf, createNode, stopNodes, type TestNode } from './util/libp2p-node.js'
import type { BitswapNetwork } from '@swapwright/core'

const ORDER: ProtocolVersion[] = ['1.0.0', '1.1.0', '1.2.0']
const wait = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** The Bitswap protocols a node speaking at most `max` registers. */
function protocolsUpTo (max: ProtocolVersion): string[] {
  return BITSWAP_PROTOCOLS.filter(p => ORDER.indexOf(versionOf(p) ?? '1.2.0') <= ORDER.indexOf(max))
}

// The published contracts, on real libp2p nodes over TCP on 127.0.0.1 (the simulated ones run in transports).
describe('BitswapNetwork compliance: libp2p network', { timeout: 60_000 }, () => {
  for (const c of networkCases(async () => {
    const nodes = new Map<BitswapNetwork, TestNode>()
    return {
      node: async ({ maxVersion = '1.2.0' } = {}) => {
        const node = await createNode()
        const network = new Libp2pBitswapNetwork(node, { protocols: protocolsUpTo(maxVersion) })
        nodes.set(network, node)
        return network
      },
      target: network => ({ peer: network.self, addresses: addressesOf(nodes.get(network) as TestNode) }),
      pass: wait,
      teardown: async () => { await stopNodes(...nodes.values()) }
    }
  })) it(c.name, c.run)
})

describe('ProviderFinder compliance: DHT provider finder', { timeout: 90_000 }, () => {
  for (const c of providerFinderCases(async () => {
    const nodes: DhtNode[] = []
    const finders: DhtProviderFinder[] = []
    try {
      for (let i = 0; i < 3; i++) nodes.push(await createDhtNode())
      const [hub, ...others] = nodes
      for (const other of others) await other.dial(hub.getMultiaddrs())
      for (const node of nodes) finders.push(new DhtProviderFinder(node))
    } catch (err) {
      await stopNodes(...nodes)
      throw err
    }
    return {
      finders: finders.map((finder, i) => ({ finder, self: nodes[i].peerId.toString() })),
      pass: wait,
      teardown: async () => {
        for (const finder of finders) finder.stop()
        await stopNodes(...nodes)
      }
    }
  })) it(c.name, c.run)
})
