import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { swapwright } from './cli-helpers.js'

/** Small and quick: 3 nodes, 100 blocks fetched in one batch. */
const SCENARIO = 'FixedDelay/3Nodes-AllToAll-BigBatch'

describe('swapwright lab', () => {
  let work: string

  before(async () => { work = await mkdtemp(join(tmpdir(), 'swapwright-lab-')) })
  after(async () => { await rm(work, { recursive: true, force: true }) })

  it('--help shows the lab\'s usage', async () => {
    const result = await swapwright(['lab', '--help'], work)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /usage: swapwright lab \[options\]/)
    assert.match(result.stdout, /--scenario <glob\|name>/)
    assert.match(result.stdout, /--json-file <file>/)
    const top = await swapwright(['--help'], work)
    assert.match(top.stdout, /^ {2}lab {6}run the strategy lab/m)
  })

  it('runs one scenario and prints the median table', async () => {
    const result = await swapwright(['lab', '--scenario', SCENARIO, '--strategy', 'goDefaults,go2019', '--seeds', '1'], work)
    assert.equal(result.code, 0, result.stderr)
    const row = result.stdout.split('\n').find(line => line.startsWith(SCENARIO))
    assert.ok(row != null, result.stdout)
    // Per strategy: virtual time, duplicates/blocks, dup %, messages sent/received.
    const cells = [...row.matchAll(/(\d+\.\d+) s\s+(\d+)\/(\d+)/g)]
    assert.equal(cells.length, 2, row)
    for (const [, time, dups, blocks] of cells) {
      assert.ok(Number(time) > 0 && Number(time) < 60, `virtual time ${time} s`)
      // 100 unique blocks: every one arrives at least once, and duplicates are what comes on top.
      assert.equal(Number(blocks) - Number(dups), 100, row)
    }
    assert.match(result.stderr, /\[2\/2\] .*go2019 seed 1/)
  })

  it('--json prints each run and the report as JSON lines, and --json-file writes the report file', async () => {
    const file = join(work, 'report.json')
    const result = await swapwright(['lab', '--scenario', SCENARIO, '--strategy', 'goDefaults', '--seeds', '1,2', '--json', '--json-file', file], work)
    assert.equal(result.code, 0, result.stderr)
    const lines = result.stdout.split('\n').filter(line => line !== '')
    assert.equal(lines.length, result.events.length, 'stdout carries only JSON lines')
    assert.deepEqual(result.events.map(e => e.event), ['run', 'run', 'report'])
    for (const run of result.events.slice(0, 2)) {
      assert.equal(run.ok, true)
      assert.equal(run.uniqueBlocks, 100)
      assert.ok(run.timeMs > 0 && run.blocksReceived >= 100, JSON.stringify(run))
    }
    const report = result.events[2]
    assert.deepEqual(report.scenarios, [SCENARIO])
    assert.deepEqual(report.seeds, [1, 2])
    assert.equal(report.runs, 2)
    assert.equal(report.bad, 0)
    assert.deepEqual(report.written, [file])
    assert.equal(report.summaries.length, 1)
    assert.equal(report.summaries[0].strategy, 'goDefaults')
    assert.ok(report.summaries[0].timeMs > 0)
    const written = JSON.parse(await readFile(file, 'utf8'))
    assert.equal(written.runs.length, 2)
    assert.deepEqual(written.summaries, report.summaries)
  })

  it('--strategy takes a module path: its default export is the strategy set, compared with the baseline', async () => {
    // a module in a temp folder cannot find the workspace's packages by name, so it imports them by URL
    const strategies = import.meta.resolve('@swapwright/strategies')
    await writeFile(join(work, 'my-strategy.js'), `import { goDefaults, randomPeerSelector } from '${strategies}'
export default () => ({ ...goDefaults(), peerSelector: randomPeerSelector() })
`)
    await writeFile(join(work, 'package.json'), '{ "type": "module" }\n')
    const result = await swapwright(['lab', '--scenario', SCENARIO, '--strategy', 'goDefaults,./my-strategy.js', '--seeds', '1,2', '--json'], work)
    assert.equal(result.code, 0, result.stderr)
    const report = result.events.at(-1)
    assert.deepEqual(report?.strategies, ['goDefaults', './my-strategy.js'])
    assert.equal(report?.baseline, 'goDefaults')
    const mine = report?.summaries[1]
    assert.equal(mine.strategy, './my-strategy.js')
    assert.equal(mine.runs, 2)
    assert.equal(mine.vsBaseline.diff.timeMs.n, 2, 'paired over both seeds')
    assert.equal(typeof mine.ci95.timeMs.low, 'number')
    for (const run of result.events.filter(e => e.event === 'run')) assert.ok(run.timeToFirstBlockMs > 0 && run.success === 1, JSON.stringify(run))

    const missing = await swapwright(['lab', '--scenario', SCENARIO, '--strategy', './nowhere.js', '--seeds', '1'], work)
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /strategy module \.\/nowhere\.js: no such file/)
    await writeFile(join(work, 'no-default.js'), 'export const preset = {}\n')
    const noDefault = await swapwright(['lab', '--scenario', SCENARIO, '--strategy', './no-default.js', '--seeds', '1'], work)
    assert.equal(noDefault.code, 2)
    assert.match(noDefault.stderr, /has no default export/)
  })

  it('runs a MainnetLike scenario in worker threads: boxo2025 broadcasts fewer WANT_HAVEs than goDefaults', async () => {
    const list = await swapwright(['lab', '--list', '--json'], work)
    assert.equal(list.code, 0, list.stderr)
    assert.ok(list.events[0].scenarios.includes('MainnetLike/SingleRoots'), JSON.stringify(list.events[0]))
    assert.ok(['boxo2025', 'adaptive'].every(name => list.events[0].strategies.includes(name)))

    const result = await swapwright(['lab', '--scenario', 'MainnetLike/SingleRoots', '--strategy', 'goDefaults,boxo2025', '--seeds', '1', '--workers', '2', '--json'], work)
    assert.equal(result.code, 0, result.stderr)
    const runs = result.events.filter(e => e.event === 'run')
    assert.deepEqual(runs.map(r => r.strategy), ['goDefaults', 'boxo2025'])
    for (const run of runs) {
      assert.equal(run.ok, true)
      assert.deepEqual(run.inconsistencies, [])
      assert.ok(run.success > 0.9 && run.timeToFirstBlockMs > 0 && run.messagesPerRoot > 0, JSON.stringify(run))
    }
    const [all, boxo] = runs
    assert.ok(boxo.broadcastWantHaves < all.broadcastWantHaves, `boxo2025 ${boxo.broadcastWantHaves}, goDefaults ${all.broadcastWantHaves}`)
    const report = result.events.at(-1)
    assert.deepEqual(report?.scenarios, ['MainnetLike/SingleRoots'])
    assert.equal(report?.summaries[1].vsBaseline.diff.broadcastWantHaves.mean, boxo.broadcastWantHaves - all.broadcastWantHaves)
  })

  it('an unknown scenario is a clear error and exit code 2', async () => {
    const result = await swapwright(['lab', '--scenario', 'NoSuchScenario*', '--seeds', '1'], work)
    assert.equal(result.code, 2)
    assert.match(result.stderr, /No scenario matches "NoSuchScenario\*"/)
    const json = await swapwright(['lab', '--scenario', 'NoSuchScenario*', '--json'], work)
    assert.equal(json.code, 2)
    assert.equal(json.events.at(-1)?.event, 'error')
    assert.equal(json.events.at(-1)?.code, 2)
  })

  it('bad arguments are exit code 2 too', async () => {
    const seeds = await swapwright(['lab', '--seeds', 'x'], work)
    assert.equal(seeds.code, 2)
    assert.match(seeds.stderr, /--seeds: "x"/)
    const strategy = await swapwright(['lab', '--scenario', SCENARIO, '--strategy', 'nope', '--seeds', '1'], work)
    assert.equal(strategy.code, 2)
    assert.match(strategy.stderr, /Unknown strategy set "nope"/)
    // The lab's own --json takes a file; here --json is the JSON-lines flag, and the mistake is named.
    const file = await swapwright(['lab', '--json', 'out.json'], work)
    assert.equal(file.code, 2)
    assert.match(file.stdout, /--json-file out\.json/)
  })
})
