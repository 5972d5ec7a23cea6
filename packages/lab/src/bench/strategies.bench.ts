/**
 * Micro-benchmarks of strategies: decisions per second for each role's hot calls, with the ratio against the
 * baseline of that role, the relative margin of error, tinybench's latency variance and the sample count. Run
 * with `npm run bench` for every shipped strategy against the Go default of its role, or
 * `npm run bench -- --strategy goDefaults,./my-strategy.js` for the slots of those strategy sets (built-in names
 * or modules, as `swapwright lab --strategy` takes them) against the first. Numbers are for comparing
 * strategies on one machine, not absolute targets.
 */
import { parseArgs } from 'node:util'
import { Bench } from 'tinybench'
import {
  activeWorkDecisionStrategy, adaptiveRequestSplitter, broadcastRequestSplitter, fairDecisionStrategy, goDefaults, latencyPeerSelector,
  optimisticRequestSplitter, presencePeerSelector, priorityDecisionStrategy, randomPeerSelector, reciprocityDecisionStrategy
} from '@swapwright/strategies'
import { resolveStrategies } from '../runner/strategy-modules.js'
import { cids, ledgerViews, PEERS, peerViews, resolve, taskViews, WANTS } from './fixtures.js'
import { benchStats, benchTable, type BenchCase } from './table.js'
import type { DecisionStrategy, PeerSelector, PendingWant, Plugin, RequestSplitter } from '@swapwright/core'

const { values } = parseArgs({ options: { strategy: { type: 'string' }, time: { type: 'string', default: '400' } }, strict: true })
const time = Number(values.time)
if (!(time > 0)) throw new TypeError(`--time: "${values.time}" is not a positive number of ms`)

const wanted = await cids(WANTS)
const cases: BenchCase[] = []

// Request splitters: one split of 100 fresh wants over 20 ranked peers = 100 decisions.
const pending: PendingWant[] = wanted.map(cid => ({ cid, ranked: PEERS, blockSentTo: new Set(), haveSentTo: new Set() }))
async function splitterCase (name: string, plugin: Plugin<RequestSplitter>, isDefault: boolean): Promise<void> {
  const { requestSplitter } = await resolve({ requestSplitter: plugin })
  const session = requestSplitter.forSession({ sessionId: 1 })
  cases.push({ role: 'RequestSplitter', op: 'split', strategy: name, isDefault, decisions: WANTS, run: () => { session.split(pending) } })
}

// Peer selectors: ranking 20 peers for each of 100 wants, after a history of HAVEs and first deliveries.
async function selectorCase (name: string, plugin: Plugin<PeerSelector>, isDefault: boolean): Promise<void> {
  const { peerSelector } = await resolve({ peerSelector: plugin })
  const session = peerSelector.forSession({ sessionId: 1 })
  for (const peer of PEERS) session.observe({ type: 'peer-added', peer })
  wanted.forEach((cid, i) => {
    session.observe({ type: 'have', peer: PEERS[i % PEERS.length], cid })
    if (i % 4 === 0) session.observe({ type: 'block', peer: PEERS[(i * 3) % PEERS.length], cid: wanted[(i + 1) % WANTS], latency: 20 + (i % 7), first: true, duplicate: false })
  })
  cases.push({ role: 'PeerSelector', op: 'rank', strategy: name, isDefault, decisions: WANTS, run: () => { for (const cid of wanted) session.rank(cid, PEERS) } })
}

// Decision strategies: sorting 100 peer queues, sorting 100 tasks, and one eviction from a full 1024-want ledger.
const peers = peerViews(100)
const tasks = taskViews(wanted)
const ledgerCids = await cids(1024 + 64)
const current = ledgerViews(ledgerCids.slice(0, 1024), 0)
const incoming = ledgerViews(ledgerCids.slice(1024), 1024)
async function decisionCases (name: string, plugin: Plugin<DecisionStrategy>, isDefault: boolean): Promise<void> {
  const { decisionStrategy: s } = await resolve({ decisionStrategy: plugin })
  // a sort of n items makes about n log2 n comparisons: count those as the decisions
  const comparisons = Math.round(100 * Math.log2(100))
  cases.push({ role: 'DecisionStrategy', op: 'comparePeers', strategy: name, isDefault, decisions: comparisons, run: () => { [...peers].sort((a, b) => s.comparePeers(a, b, 20_000)) } })
  cases.push({ role: 'DecisionStrategy', op: 'compareTasks', strategy: name, isDefault, decisions: comparisons, run: () => { [...tasks].sort((a, b) => s.compareTasks(a, b)) } })
  cases.push({ role: 'DecisionStrategy', op: 'evict', strategy: name, isDefault, decisions: 1, run: () => { s.evict(current, incoming, 1024) } })
}

if (values.strategy == null) {
  for (const [name, plugin, isDefault] of [['optimistic', optimisticRequestSplitter(), true], ['adaptive (2019)', adaptiveRequestSplitter(), false], ['broadcast', broadcastRequestSplitter(), false]] as const) {
    await splitterCase(name, plugin, isDefault)
  }
  for (const [name, plugin, isDefault] of [['presence', presencePeerSelector(), true], ['latency (2019)', latencyPeerSelector(), false], ['random', randomPeerSelector(), false]] as const) {
    await selectorCase(name, plugin, isDefault)
  }
  for (const [name, plugin, isDefault] of [
    ['fair', fairDecisionStrategy(), true], ['active-work (2019)', activeWorkDecisionStrategy(), false],
    ['priority', priorityDecisionStrategy(), false], ['reciprocity', reciprocityDecisionStrategy(), false]
  ] as const) {
    await decisionCases(name, plugin, isDefault)
  }
} else {
  // each set's own slots, the Go defaults where it names none (as the lab fills them), the first set the baseline
  const sets = await resolveStrategies(values.strategy.split(',').map(s => s.trim()).filter(s => s !== ''))
  for (const [i, [name, set]] of Object.entries(sets).entries()) {
    const preset = { ...goDefaults(), ...set() }
    if (preset.requestSplitter != null) await splitterCase(name, preset.requestSplitter, i === 0)
    if (preset.peerSelector != null) await selectorCase(name, preset.peerSelector, i === 0)
    if (preset.decisionStrategy != null) await decisionCases(name, preset.decisionStrategy, i === 0)
  }
}

const bench = new Bench({ time, warmup: true })
for (const c of cases) bench.add(`${c.role} ${c.op} [${c.strategy}]`, c.run)
await bench.run()
console.log(benchTable(cases, bench.tasks.map(task => benchStats(task.result))))
