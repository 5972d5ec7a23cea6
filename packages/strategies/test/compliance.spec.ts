import { describe, it } from 'node:test'
import {
  activeWorkDecisionStrategy, adaptiveRequestSplitter, broadcastRequestSplitter, fairDecisionStrategy, latencyPeerSelector,
  optimisticRequestSplitter, presencePeerSelector, priorityDecisionStrategy, randomPeerSelector, reciprocityDecisionStrategy
} from '../src/index.js'
import { checkDecisionStrategy, checkPeerSelector, checkRequestSplitter, type Build } from './compliance.js'
import { resolvePlugin } from './fixtures.js'
import type { Plugin } from '@swapwright/core'

// each shipped plugin is resolved through its plugin, so the DI wiring is part of what is checked
const viaPlugin = <T>(plugin: Plugin<T>): Build<T> => random => resolvePlugin(plugin, random)

/** One test per case, named after the plugin and its label, running `check` on the resolved plugin. */
function complianceSuite<T> (role: string, check: (build: Build<T>) => void, cases: Array<[string, Plugin<T>]>): void {
  describe(`${role} compliance`, () => {
    for (const [label, plugin] of cases) {
      it(`${plugin.name}${label} keeps the contract`, () => { check(viaPlugin(plugin)) })
    }
  })
}

complianceSuite('RequestSplitter', checkRequestSplitter, [
  ['', optimisticRequestSplitter()],
  ['', adaptiveRequestSplitter()],
  [' (split 1..3)', adaptiveRequestSplitter({ initialSplit: 1, maxSplit: 3 })],
  ['', broadcastRequestSplitter()]
])

complianceSuite('PeerSelector', checkPeerSelector, [
  ['', presencePeerSelector()],
  ['', latencyPeerSelector()],
  [' (maxPeers 2)', latencyPeerSelector({ maxPeers: 2 })],
  ['', randomPeerSelector()]
])

complianceSuite('DecisionStrategy', checkDecisionStrategy, [
  ['', fairDecisionStrategy()],
  [' (starvation 0, cap 1)', fairDecisionStrategy({ starvationMs: 0, pendingCap: 1 })],
  ['', activeWorkDecisionStrategy()],
  ['', priorityDecisionStrategy()],
  ['', reciprocityDecisionStrategy()]
])
