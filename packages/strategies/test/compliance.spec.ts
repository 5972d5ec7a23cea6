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

describe('RequestSplitter compliance', () => {
  const cases: Array<[string, Plugin<any>]> = [
    ['', optimisticRequestSplitter()],
    ['', adaptiveRequestSplitter()],
    [' (split 1..3)', adaptiveRequestSplitter({ initialSplit: 1, maxSplit: 3 })],
    ['', broadcastRequestSplitter()]
  ]
  for (const [label, plugin] of cases) {
    it(`${plugin.name}${label} keeps the contract`, () => { checkRequestSplitter(viaPlugin(plugin)) })
  }
})

describe('PeerSelector compliance', () => {
  const cases: Array<[string, Plugin<any>]> = [
    ['', presencePeerSelector()],
    ['', latencyPeerSelector()],
    [' (maxPeers 2)', latencyPeerSelector({ maxPeers: 2 })],
    ['', randomPeerSelector()]
  ]
  for (const [label, plugin] of cases) {
    it(`${plugin.name}${label} keeps the contract`, () => { checkPeerSelector(viaPlugin(plugin)) })
  }
})

describe('DecisionStrategy compliance', () => {
  const cases: Array<[string, Plugin<any>]> = [
    ['', fairDecisionStrategy()],
    [' (starvation 0, cap 1)', fairDecisionStrategy({ starvationMs: 0, pendingCap: 1 })],
    ['', activeWorkDecisionStrategy()],
    ['', priorityDecisionStrategy()],
    ['', reciprocityDecisionStrategy()]
  ]
  for (const [label, plugin] of cases) {
    it(`${plugin.name}${label} keeps the contract`, () => { checkDecisionStrategy(viaPlugin(plugin)) })
  }
})
