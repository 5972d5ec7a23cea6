#!/usr/bin/env node
import { writeFile } from 'node:fs/promises'
import { parseCli, USAGE, type CliOptions } from './cli-args.js'
import { htmlReport } from './report/html-report.js'
import { seconds } from './report/format.js'
import { summaryTable, trafficTable } from './report/summary-table.js'
import { runLab } from './runner/run-lab.js'
import { NAMED_STRATEGIES, namedStrategies } from './runner/strategies.js'
import { goScenarios } from './scenarios/catalog.js'
import { selectScenarios } from './scenarios/select.js'

function listAll (): void {
  console.log('scenarios:')
  for (const s of goScenarios()) console.log(`  ${s.name.padEnd(66)} ${s.description}`)
  console.log(`\nstrategy sets: ${Object.keys(NAMED_STRATEGIES).join(', ')}`)
}

async function main (options: CliOptions): Promise<number> {
  const scenarios = selectScenarios(goScenarios(), options.scenarios)
  const strategies = namedStrategies(options.strategies)
  const total = scenarios.length * options.strategies.length * options.seeds.length
  const timings: Array<{ scenario: string, strategy: string, seed: number, wallMs: number }> = []
  let done = 0
  const started = performance.now()
  const report = await runLab({
    scenarios,
    strategies,
    seeds: options.seeds,
    maxTime: options.maxTime,
    onResult: (r, wallMs) => {
      done++
      timings.push({ scenario: r.scenario, strategy: r.strategy, seed: r.seed, wallMs: Math.round(wallMs) })
      const status = !r.ok ? `  FAILED: ${r.error ?? ''}` : r.inconsistencies.length > 0 ? `  INCONSISTENT: ${r.inconsistencies.join('; ')}` : ''
      process.stderr.write(`[${done}/${total}] ${r.scenario} ${r.strategy} seed ${r.seed}: ${seconds(r.timeMs)}, ${r.duplicateBlocks}/${r.blocksReceived} dups (${(wallMs / 1000).toFixed(1)} s wall)${status}\n`)
    }
  })
  const wallMs = performance.now() - started
  console.log(`\nMedians over seeds ${options.seeds.join(', ')} (time is virtual):\n`)
  console.log(summaryTable(report))
  if (options.traffic) console.log(`\n${trafficTable(report)}`)
  console.log(`\n${report.runs.length} runs in ${(wallMs / 1000).toFixed(1)} s of real time`)
  if (options.json != null) {
    await writeFile(options.json, JSON.stringify({ ...report, timings, wallMs: Math.round(wallMs) }, null, 2) + '\n')
    console.log(`wrote ${options.json}`)
  }
  if (options.html != null) {
    await writeFile(options.html, htmlReport(report))
    console.log(`wrote ${options.html}`)
  }
  const bad = report.runs.filter(r => !r.ok || r.inconsistencies.length > 0).length
  if (bad > 0) console.error(`${bad} run(s) failed or did not add up: see the table flags`)
  return bad > 0 ? 1 : 0
}

let options: CliOptions
try {
  options = parseCli(process.argv.slice(2))
} catch (err) {
  console.error(`${(err as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
if (options.help) {
  console.log(USAGE)
} else if (options.list) {
  listAll()
} else {
  try {
    process.exitCode = await main(options)
  } catch (err) {
    console.error((err as Error).message)
    process.exitCode = 2
  }
}
