import { describe, it } from 'node:test'
import { networkCases } from '@swapwright/compliance/network'
import { providerFinderCases } from '@swapwright/compliance/provider-finder'
import { VirtualClock } from '@swapwright/core'
import { SimulatedNetwork, SimulatedProviderFinder, SimulatedRouting } from '../src/index.js'

// The published contracts, run on the simulated parts in virtual time (the libp2p ones run in test/).
describe('BitswapNetwork compliance: simulated network', () => {
  for (const c of networkCases(async () => {
    const clock = new VirtualClock()
    const net = new SimulatedNetwork({ clock, latency: 10 })
    let made = 0
    return {
      node: async ({ maxVersion } = {}) => net.node(`node-${made++}`, { version: maxVersion }),
      target: network => network.self,
      pass: async ms => { await clock.advance(ms) },
      teardown: async () => {}
    }
  })) it(c.name, c.run)
})

describe('ProviderFinder compliance: simulated routing', () => {
  for (const c of providerFinderCases(async () => {
    const clock = new VirtualClock()
    const routing = new SimulatedRouting({ clock })
    return {
      finders: ['a', 'b', 'c'].map(self => ({ self, finder: new SimulatedProviderFinder(routing, self) })),
      pass: async ms => { await clock.advance(ms) },
      teardown: async () => {}
    }
  })) it(c.name, c.run)
})
