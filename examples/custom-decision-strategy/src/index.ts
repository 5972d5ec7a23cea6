/**
 * Measures the shortest-backlog-first server against the Go defaults on two fixed-delay scenarios of the Go
 * suite and one defined here, where two fetchers share three seeds over 1 MB/s links, so the servers' order
 * matters. Run with `npm start -w examples/custom-decision-strategy` after `npm run build`.
 */
import { defineScenario, goScenarios, runLab, selectScenarios, summaryTable } from '@swapwright/lab'
import { go2019, goDefaults } from '@swapwright/strategies'
import { fixedLatency } from '@swapwright/transports'
import { shortestBacklogFirst } from './shortest-backlog-first.js'

const sharedSeeds = defineScenario({
  name: 'Example/5Nodes-2Leech-AllToAll-BigBatch-1MBps',
  nodes: 5,
  fetchers: 2,
  blocks: 100,
  blockSize: 8000,
  distribution: 'allToAll',
  fetch: 'batchFetchAll',
  network: { name: 'fixed 10 ms, 1 MB/s', latency: fixedLatency(10), bandwidth: 1_000_000 }
})

const report = await runLab({
  scenarios: [...selectScenarios(goScenarios(), ['FixedDelay/3Nodes-Overlap3-OneAtATime', 'FixedDelay/10Nodes-AllToAll-BatchFetchBy10']), sharedSeeds],
  strategies: {
    goDefaults,
    go2019,
    // only the server's policy changes; the client side stays the Go defaults
    shortestBacklogFirst: () => ({ ...goDefaults(), decisionStrategy: shortestBacklogFirst() })
  },
  seeds: [1, 2, 3],
  onResult: r => { process.stderr.write(`  ${r.scenario} ${r.strategy} seed ${r.seed}: ${r.timeMs} ms\n`) }
})

console.log('\nMedians over seeds 1, 2, 3 (virtual time):\n')
console.log(summaryTable(report))
