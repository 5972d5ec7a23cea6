/**
 * Server micro-benchmarks: how many wants the decision engine takes in per second, and how many tasks its queue
 * pops per second, for 10,000 wants spread over 100 peers. Run with `npm run bench:server`.
 */
import { Bench } from 'tinybench'
import {
  blockstorePlugin, createBitswap, randomPlugin, SystemClock, blockKey, type DecisionStrategy, type Plugin
} from '@swapwright/core'
import { nodeParts, PeerTaskQueue, type Task } from '@swapwright/core/internal'
import { MemoryBlockstore } from '@swapwright/stores'
import { activeWorkDecisionStrategy, fairDecisionStrategy, goDefaults, priorityDecisionStrategy, reciprocityDecisionStrategy } from '@swapwright/strategies'
import { makeBlocks } from '../util/blocks.js'
import { DiscardNetwork } from './discard-network.js'

const PEERS = 100
const WANTS_PER_PEER = 100
const WANTS = PEERS * WANTS_PER_PEER

const blocks = await makeBlocks(WANTS, 256, 99)
const strategies: Record<string, () => Plugin<DecisionStrategy>> = {
  fair: fairDecisionStrategy,
  'active-work (2019)': activeWorkDecisionStrategy,
  priority: priorityDecisionStrategy,
  reciprocity: reciprocityDecisionStrategy
}

/** Resolves a strategy through a real node so the benchmark uses exactly what a node would. */
async function resolveStrategy (plugin: Plugin<DecisionStrategy>): Promise<DecisionStrategy> {
  const node = createBitswap({
    preset: goDefaults(), network: new DiscardNetwork('x').plugin(), blockstore: blockstorePlugin(new MemoryBlockstore()), decisionStrategy: plugin, random: randomPlugin(1)
  })
  return node.components.decisionStrategy
}

const bench = new Bench({ time: 1500, warmup: true })

// Intake: every peer sends one message with 100 want-blocks; the engine looks up sizes and queues tasks.
const store = new MemoryBlockstore()
for (const block of blocks) await store.put(block.cid, block.data)
for (const [name, plugin] of Object.entries(strategies)) {
  const node = createBitswap({
    preset: goDefaults(),
    network: new DiscardNetwork('server').plugin(),
    blockstore: blockstorePlugin(store),
    decisionStrategy: plugin(),
    random: randomPlugin(1),
    taskWorkerCount: 1
  })
  bench.add(`intake: ${WANTS} wants / ${PEERS} peers [${name}]`, async () => {
    const applied: Array<Promise<void>> = []
    for (let p = 0; p < PEERS; p++) {
      const entries = blocks.slice(p * WANTS_PER_PEER, (p + 1) * WANTS_PER_PEER)
        .map((b, i) => ({ cid: b.cid, priority: i, wantType: 'block' as const, sendDontHave: true, cancel: false }))
      applied.push(nodeParts(node).server.messageReceived(`peer-${p}`, { wantlist: { entries, full: true }, blocks: [], presences: [], pendingBytes: 0, invalidEntries: 0 }))
    }
    await Promise.all(applied)
    for (let p = 0; p < PEERS; p++) nodeParts(node).server.peerDisconnected(`peer-${p}`)
  })
}

// Popping: the task queue alone, 10,000 tasks over 100 peers, popped in 16 KiB batches until empty.
for (const [name, plugin] of Object.entries(strategies)) {
  const strategy = await resolveStrategy(plugin())
  const clock = new SystemClock()
  bench.add(`pop: ${WANTS} tasks / ${PEERS} peers [${name}]`, () => {
    const queue = new PeerTaskQueue({ strategy, clock, targetMessageSize: 16 * 1024, maxOutstandingBytesPerPeer: 1024 * 1024 })
    let seq = 0
    for (let p = 0; p < PEERS; p++) {
      for (let i = 0; i < WANTS_PER_PEER; i++) {
        const block = blocks[p * WANTS_PER_PEER + i]
        const task: Task = {
          peer: `peer-${p}`, key: blockKey(block.cid), cid: block.cid, priority: i, wantType: 'block', sendDontHave: false,
          reply: 'block', work: block.data.byteLength, blockSize: block.data.byteLength, seq: seq++, dead: false
        }
        queue.push(task)
      }
    }
    let popped = 0
    for (let batch = queue.pop(); batch != null; batch = queue.pop()) {
      popped += batch.tasks.length
      queue.done(batch)
    }
    if (popped !== WANTS) throw new Error(`popped ${popped} of ${WANTS}`)
  })
}

await bench.run()

const rows = bench.tasks.map(task => {
  const result = task.result as unknown as { throughput?: { median?: number, mean: number }, latency?: { median?: number } } | undefined
  const opsPerSecond = result?.throughput?.median ?? result?.throughput?.mean ?? 0
  return { benchmark: task.name, 'runs/s (median)': opsPerSecond.toFixed(2), 'items/s (median)': Math.round(opsPerSecond * WANTS).toLocaleString('en-US') }
})
console.table(rows)
const baseline = rows.find(r => r.benchmark.startsWith('pop') && r.benchmark.includes('[fair]'))
if (baseline != null) {
  for (const row of rows.filter(r => r.benchmark.startsWith('pop'))) {
    console.log(`${row.benchmark}: ${(Number(row['runs/s (median)']) / Number(baseline['runs/s (median)'])).toFixed(2)}x the fair order`)
  }
}
