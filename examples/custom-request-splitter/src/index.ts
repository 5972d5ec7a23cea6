/**
 * Measures the pair splitter against the Go defaults and the 2019 design on three fixed-delay scenarios of the
 * Go benchmark suite. Run with `npm start -w examples/custom-request-splitter` after `npm run build`.
 */
import { goScenarios, runLab, selectScenarios, summaryTable } from '@swapwright/lab'
import { go2019, goDefaults } from '@swapwright/strategies'
import { pairSplitter } from './pair-splitter.js'

const scenarios = selectScenarios(goScenarios(), [
  'FixedDelay/3Nodes-AllToAll-OneAtATime',
  'FixedDelay/10Nodes-AllToAll-BigBatch',
  'FixedDelay/3Nodes-Overlap3-UnixfsFetch'
])

const report = await runLab({
  scenarios,
  strategies: {
    goDefaults,
    go2019,
    // only the splitter changes; peer selection and the server stay the Go defaults
    pairSplitter: () => ({ ...goDefaults(), requestSplitter: pairSplitter() })
  },
  seeds: [1, 2, 3],
  onResult: r => { process.stderr.write(`  ${r.scenario} ${r.strategy} seed ${r.seed}: ${r.timeMs} ms\n`) }
})

console.log('\nMedians over seeds 1, 2, 3 (virtual time):\n')
console.log(summaryTable(report))
