import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isStrategyModule, loadStrategyModule, resolveStrategies, StrategyModuleError } from '../src/index.js'

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'swapwright-lab-strategy-'))
after(() => { rmSync(dir, { recursive: true, force: true }) })

// A module in a temp folder cannot find the workspace's packages by name, so it imports them by URL.
const strategies = import.meta.resolve('@swapwright/strategies')

/** Writes a module into the temp folder and returns its name there. */
function module (name: string, source: string): string {
  writeFileSync(join(dir, name), source)
  return name
}

module('latency.mjs', `import { goDefaults, latencyPeerSelector } from '${strategies}'
export default () => ({ ...goDefaults(), peerSelector: latencyPeerSelector() })
`)
module('object.mjs', `import { randomPeerSelector } from '${strategies}'
export default { peerSelector: randomPeerSelector() }
`)

describe('lab: strategy sets from modules', () => {
  it('tells module paths from built-in names', () => {
    for (const name of ['./x.js', '../x.mjs', '/abs/x.js', 'file:///x.js', 'mine.cjs']) assert.equal(isStrategyModule(name), true, name)
    for (const name of ['goDefaults', 'goDefaults+latency', 'go2019']) assert.equal(isStrategyModule(name), false, name)
  })

  it('loads a default export that is a function returning a preset, or a preset itself, relative to cwd', async () => {
    const fromFunction = await loadStrategyModule('./latency.mjs', dir)
    assert.deepEqual(Object.keys(fromFunction()).sort(), ['broadcastPolicy', 'decisionStrategy', 'peerSelector', 'requestSplitter'])
    assert.notEqual(fromFunction().peerSelector, fromFunction().peerSelector, 'each node gets fresh plugins')
    const fromObject = await loadStrategyModule(join(dir, 'object.mjs'))
    assert.deepEqual(Object.keys(fromObject()), ['peerSelector'])
    const sets = await resolveStrategies(['goDefaults', './object.mjs'], dir)
    assert.deepEqual(Object.keys(sets), ['goDefaults', './object.mjs'])
  })

  it('fails clearly on a missing file, no default export, or a default export of the wrong shape', async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['./missing.js', undefined, /strategy module \.\/missing\.js: no such file/],
      ['./named.mjs', 'export const preset = {}\n', /has no default export/],
      ['./number.mjs', 'export default 42\n', /must be a preset .* got number/],
      ['./array.mjs', 'export default []\n', /got an array/],
      ['./empty.mjs', 'export default {}\n', /names no slot/],
      ['./typo.mjs', 'export default { peerSelectr: () => ({}) }\n', /"peerSelectr" is not a slot \(slots: requestSplitter, peerSelector, decisionStrategy/],
      ['./value.mjs', 'export default { peerSelector: 3 }\n', /peerSelector must be a plugin .* got number/],
      ['./network.mjs', 'export default { network: () => ({}) }\n', /the lab gives every node its own network/],
      ['./async.mjs', 'export default async () => ({})\n', /returned a promise/],
      ['./broken.mjs', 'export default {\n', /could not be loaded/]
    ]
    for (const [name, source, message] of cases) {
      if (source != null) module(name.slice(2), source)
      await assert.rejects(loadStrategyModule(name, dir), (err: Error) => {
        assert.ok(err instanceof StrategyModuleError && err instanceof RangeError, name)
        assert.match(err.message, message, name)
        return true
      })
    }
    await assert.rejects(resolveStrategies(['nope'], dir), /Unknown strategy set "nope" .*a module path/)
  })

  it('runs through the command, in worker threads too, and compares with the baseline it is given', () => {
    const json = join(dir, 'report.json')
    const { status, stdout, stderr } = spawnSync(process.execPath, [
      cli, '--scenario', 'FixedDelay/3Nodes-AllToAll-BigBatch', '--strategy', 'goDefaults,./latency.mjs', '--baseline', './latency.mjs',
      '--seeds', '1,2', '--workers', '2', '--json', json
    ], { cwd: dir, encoding: 'utf8' })
    assert.equal(status, 0, stderr)
    assert.match(stdout, /differences from \.\/latency\.mjs paired by seed/)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    assert.deepEqual(report.strategies, ['goDefaults', './latency.mjs'])
    assert.equal(report.baseline, './latency.mjs')
    assert.ok(report.runs.every((r: { ok: boolean }) => r.ok))
    const [mine, base] = report.summaries
    assert.equal(mine.vsBaseline.baseline, './latency.mjs')
    assert.equal(mine.vsBaseline.diff.timeMs.n, 2)
    assert.equal(base.vsBaseline, undefined)

    const bad = spawnSync(process.execPath, [cli, '--scenario', 'FixedDelay/3Nodes-AllToAll-BigBatch', '--strategy', './number.mjs', '--seeds', '1'], { cwd: dir, encoding: 'utf8' })
    assert.equal(bad.status, 2)
    assert.match(bad.stderr, /strategy module \.\/number\.mjs: the default export must be a preset/)
    const baseline = spawnSync(process.execPath, [cli, '--strategy', 'goDefaults', '--baseline', 'go2019'], { cwd: dir, encoding: 'utf8' })
    assert.equal(baseline.status, 2)
    assert.match(baseline.stderr, /--baseline: "go2019" is not one of --strategy/)
  })
})
