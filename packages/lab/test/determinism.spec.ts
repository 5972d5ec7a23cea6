import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { go2019, goDefaults } from '@swapwright/strategies'
import { goScenarios, NAMED_STRATEGIES, runLab, runLabInWorkers, selectScenarios } from '../src/index.js'
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

  it('gives the same report in worker threads as in one thread', async () => {
    const scenarios = selectScenarios(goScenarios(), ['FixedDelay/3Nodes-Overlap3-BatchBy10', 'FixedDelay/3Nodes-AllToAll-OneAtATime'])
    const { goDefaults, go2019 } = NAMED_STRATEGIES
    const finished: string[] = []
    const inThread = await runLab({ scenarios, strategies: { goDefaults, go2019 }, seeds: [1, 2] })
    const inWorkers = await runLabInWorkers({
      scenarios, strategies: ['goDefaults', 'go2019'], seeds: [1, 2], workers: 2, onResult: r => finished.push(`${r.scenario} ${r.strategy} ${r.seed}`)
    })
    assert.equal(JSON.stringify(inWorkers), JSON.stringify(inThread))
    assert.deepEqual(finished, inThread.runs.map(r => `${r.scenario} ${r.strategy} ${r.seed}`), 'every run reported once, in report order')
  })

  it('runs only catalog scenarios in workers, and stops when its signal fires', async () => {
    await assert.rejects(runLabInWorkers({ scenarios: [smallRealWorld()], strategies: ['goDefaults'], seeds: [1] }), /not in the catalog/)
    await assert.rejects(runLabInWorkers({ scenarios: goScenarios().slice(0, 1), strategies: ['nope'], seeds: [1] }), /Unknown strategy set "nope"/)
    const controller = new AbortController()
    const stop = new Error('stop')
    let results = 0
    const scenarios = selectScenarios(goScenarios(), ['FixedDelay/3Nodes-*'])
    await assert.rejects(runLabInWorkers({
      scenarios,
      strategies: ['goDefaults', 'go2019'],
      seeds: [1, 2, 3],
      workers: 2,
      onResult: () => { if (++results === 1) controller.abort(stop) },
      signal: controller.signal
    }), (err: unknown) => err === stop)
    assert.ok(results < scenarios.length * 6, `stopped early (${results} of ${scenarios.length * 6} runs)`)
  })
})
