import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { everyCombination, KINDS, matrixBlocks, PRESETS, print, runMatrix, SCRIPTED, DELIVERS, type Combination } from './util/fault-matrix.js'

/**
 * The client against peers that pause, lie, break and die, on the simulated network in virtual time (see
 * util/fault-matrix.ts for the faults and the rules). Each fault alone and all together run over 20 seeds;
 * every one of the 127 subsets of faults, with an honest peer and without, runs over 2 seeds here (which two
 * rotates with the subset, so all 20 appear); `npm run bench:faults` runs every subset over all 20 seeds.
 * Prints duplicates and time per combination and per fault.
 */

const SEEDS = 20
/** Seeds per subset in the every-subset test: its cost is 254 combinations × this × 2 presets runs. */
const SUBSET_SEEDS = 2

describe('fault matrix (simulated network, virtual time)', () => {
  for (const preset of Object.keys(PRESETS) as Array<keyof typeof PRESETS>) {
    it(`${preset}: each fault alone and all together, ${SEEDS} seeds: every want ends, with its block whenever some peer can deliver it`, async () => {
      const combos: Combination[] = []
      for (const kind of KINDS) combos.push({ kinds: [kind], honest: true }, { kinds: [kind], honest: false })
      combos.push({ kinds: KINDS, honest: true }, { kinds: SCRIPTED.filter(k => !DELIVERS.has(k)), honest: false })
      const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1)
      const result = await runMatrix(preset, combos, () => seeds, await matrixBlocks())
      console.log(`\n${preset}, ${SEEDS} seeds per combination, virtual time:`)
      print(result.rows)
      assert.deepEqual(result.failures, [])
    })

    it(`${preset}: every subset of the ${KINDS.length} faults, with an honest peer and without, ${SUBSET_SEEDS} seeds each`, async () => {
      const started = performance.now()
      const result = await runMatrix(preset, everyCombination(), index => Array.from({ length: SUBSET_SEEDS }, (_, i) => 1 + (index * SUBSET_SEEDS + i) % SEEDS), await matrixBlocks())
      console.log(`\n${preset}, every subset (${result.rows.length} combinations × ${SUBSET_SEEDS} seeds), per fault over the subsets that hold it, virtual time; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s of wall time:`)
      print(result.perFault)
      assert.deepEqual(result.failures, [])
    })
  }
})
