import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { go2019, goDefaults } from '@swapwright/strategies'
import { goScenarios, runLab, selectScenarios } from '../src/index.js'
import { smallRealWorld } from './helpers.js'

describe('lab: determinism', () => {
  it('gives byte-identical reports for the same seeds, run twice', async () => {
    const scenarios = [smallRealWorld(), ...selectScenarios(goScenarios(), ['FixedDelay/3Nodes-Overlap3-BatchBy10'])]
    const run = async (): Promise<string> => JSON.stringify(await runLab({ scenarios, strategies: { goDefaults, go2019 }, seeds: [1, 2] }))
    const first = await run()
    const second = await run()
    assert.equal(first, second)
    assert.ok(first.length > 1000)
  })

  it('gives different results for different seeds on a real-world profile', async () => {
    const scenarios = [smallRealWorld()]
    const bySeed = async (seed: number): Promise<unknown> => {
      const { runs } = await runLab({ scenarios, strategies: { goDefaults }, seeds: [seed] })
      const { seed: _seed, ...rest } = runs[0]
      return rest
    }
    const one = await bySeed(1)
    const two = await bySeed(2)
    assert.notDeepEqual(one, two)
    assert.notEqual((one as { timeMs: number }).timeMs, (two as { timeMs: number }).timeMs)
  })
})
