/**
 * The whole fault matrix: every one of the 127 subsets of the seven faults, with an honest peer and without, over
 * 20 seeds and both presets (10,160 runs in virtual time). The test runs every subset over 2 seeds; this runs
 * them all. Prints, per preset, duplicates and time per fault (over the subsets that hold it), the worst
 * combinations by time, the wall time, and every broken rule; exits 1 if any.
 *
 * Run: `npm run bench:faults`. Options (after `--`): --seeds N (default 20), --presets a,b.
 */
import { parseArgs } from 'node:util'
import { everyCombination, matrixBlocks, PRESETS, print, runMatrix } from '../util/fault-matrix.js'

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    presets: { type: 'string', default: Object.keys(PRESETS).join(',') }
  }
})
const seeds = Array.from({ length: Number(args.seeds) }, (_, i) => i + 1)
const presets = args.presets.split(',').filter(Boolean) as Array<keyof typeof PRESETS>
for (const p of presets) if (!(p in PRESETS)) throw new Error(`unknown preset ${p}; one of ${Object.keys(PRESETS).join(', ')}`)

let broken = 0
for (const preset of presets) {
  const started = performance.now()
  const result = await runMatrix(preset, everyCombination(), () => seeds, await matrixBlocks())
  const wall = (performance.now() - started) / 1000
  console.log(`\n${preset}: ${result.rows.length} combinations × ${seeds.length} seeds in ${wall.toFixed(1)} s of wall time; per fault, virtual time:`)
  print(result.perFault)
  const slowest = [...result.rows].sort((a, b) => Math.max(...b.times) - Math.max(...a.times)).filter(r => r.complete === r.runs).slice(0, 5)
  console.log(`\n${preset}: the five complete combinations with the longest single run:`)
  print(slowest)
  for (const failure of result.failures) console.log(`BROKEN (${preset}): ${failure}`)
  broken += result.failures.length
}
console.log(broken === 0 ? '\nevery rule held' : `\n${broken} broken rules`)
process.exitCode = broken === 0 ? 0 : 1
