import { describe, it } from 'node:test'
import { VirtualClock } from '@swapwright/core'
import {
  activeWorkDecisionStrategy, adaptiveBroadcast, adaptiveRequestSplitter, boxoBroadcastControl, broadcastAll, broadcastRequestSplitter, fairDecisionStrategy, latencyPeerSelector,
  optimisticRequestSplitter, presencePeerSelector, priorityDecisionStrategy, randomPeerSelector, reciprocityDecisionStrategy
} from '../src/index.js'
import { broadcastPolicyCases } from '@swapwright/compliance/broadcast-policy'
import { decisionStrategyCases } from '@swapwright/compliance/decision-strategy'
import { peerSelectorCases } from '@swapwright/compliance/peer-selector'
import { requestSplitterCases, type Build } from '@swapwright/compliance/request-splitter'
import { resolvePlugin, silentLogger } from './fixtures.js'
import type { ComplianceCase } from '@swapwright/compliance'
import type { Plugin } from '@swapwright/core'

// each shipped plugin is resolved through its plugin, so the DI wiring is part of what is checked
// (broadcast policies also read the node's clock and logger)
const viaPlugin = <T>(plugin: Plugin<T>): Build<T> => random => resolvePlugin(plugin, random, { clock: new VirtualClock(), logger: silentLogger })

/** One test per contract case and plugin, named after the plugin and its label. */
function complianceSuite<T> (role: string, suite: (build: Build<T>) => ComplianceCase[], cases: Array<[string, Plugin<T>]>): void {
  describe(`${role} compliance`, () => {
    for (const [label, plugin] of cases) {
      describe(`${plugin.name}${label}`, () => {
        for (const c of suite(viaPlugin(plugin))) it(c.name, c.run)
      })
    }
  })
}

complianceSuite('RequestSplitter', requestSplitterCases, [
  ['', optimisticRequestSplitter()],
  ['', adaptiveRequestSplitter()],
  [' (split 1..3)', adaptiveRequestSplitter({ initialSplit: 1, maxSplit: 3 })],
  ['', broadcastRequestSplitter()]
])

complianceSuite('PeerSelector', peerSelectorCases, [
  ['', presencePeerSelector()],
  ['', latencyPeerSelector()],
  [' (maxPeers 2)', latencyPeerSelector({ maxPeers: 2 })],
  ['', randomPeerSelector()]
])

complianceSuite('DecisionStrategy', decisionStrategyCases, [
  ['', fairDecisionStrategy()],
  [' (starvation 0, cap 1)', fairDecisionStrategy({ starvationMs: 0, pendingCap: 1 })],
  ['', activeWorkDecisionStrategy()],
  ['', priorityDecisionStrategy()],
  ['', reciprocityDecisionStrategy()]
])

complianceSuite('BroadcastPolicy', broadcastPolicyCases, [
  ['', broadcastAll()],
  ['', boxoBroadcastControl()],
  [' (maxPeers 2, 1 random, local and peered under the rule)', boxoBroadcastControl({ maxPeers: 2, maxRandomPeers: 1, localPeers: true, peeredPeers: true, sendToPendingPeers: true })],
  ['', adaptiveBroadcast()],
  [' (steps 1, 2, 3)', adaptiveBroadcast({ steps: [1, 2, 3] })]
])
