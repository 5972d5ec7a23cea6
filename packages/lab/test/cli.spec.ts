import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'swapwright-lab-'))
after(() => { rmSync(dir, { recursive: true, force: true }) })

function lab (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })
  return { status, stdout, stderr }
}

describe('swapwright-lab command', () => {
  it('runs one scenario and writes valid JSON and HTML', () => {
    const json = join(dir, 'out.json')
    const html = join(dir, 'out.html')
    const { status, stdout, stderr } = lab('--scenario', 'FixedDelay/3Nodes-AllToAll-BigBatch', '--strategy', 'goDefaults,go2019', '--seeds', '1', '--json', json, '--html', html)
    assert.equal(status, 0, stderr)
    assert.match(stdout, /FixedDelay\/3Nodes-AllToAll-BigBatch/)
    assert.match(stderr, /\[2\/2\]/)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    assert.deepEqual(report.strategies, ['goDefaults', 'go2019'])
    assert.equal(report.runs.length, 2)
    assert.equal(report.summaries.length, 2)
    assert.equal(report.timings.length, 2)
    const page = readFileSync(html, 'utf8')
    assert.match(page, /<svg [^>]*role="img"/)
    assert.match(page, /<\/html>\s*$/)
  })

  it('prints usage for --help, and fails clearly on a bad option or an unknown scenario', () => {
    const help = lab('--help')
    assert.equal(help.status, 0)
    assert.match(help.stdout, /--scenario <glob\|name>/)
    const bad = lab('--seeds', 'x')
    assert.equal(bad.status, 2)
    assert.match(bad.stderr, /--seeds: "x"/)
    const none = lab('--scenario', 'Nope*', '--seeds', '1')
    assert.equal(none.status, 2)
    assert.match(none.stderr, /No scenario matches "Nope\*"/)
  })

  it('gives the same JSON results with --workers 1 and --workers 2', () => {
    const report = (workers: string): Record<string, unknown> => {
      const json = join(dir, `workers-${workers}.json`)
      const { status, stdout, stderr } = lab('--scenario', '3Nodes-*', '--seeds', '1,2', '--workers', workers, '--json', json)
      assert.equal(status, 0, stderr)
      assert.match(stdout, workers === '1' ? /one thread/ : new RegExp(`${workers} worker threads`))
      // real times differ from run to run; everything else is the lab's result
      const { timings, wallMs, speed, ...rest } = JSON.parse(readFileSync(json, 'utf8'))
      assert.equal(timings.length, rest.runs.length)
      const virtual = (rest.runs as Array<{ timeMs: number }>).reduce((sum, run) => sum + run.timeMs, 0)
      assert.ok(Math.abs(speed - virtual / wallMs) < 0.01 * speed + 0.01, `speed ${speed} is virtual ${virtual} ms over ${wallMs} ms`)
      assert.match(stdout, / real time$/m)
      return rest
    }
    const one = report('1')
    const two = report('2')
    assert.equal((one.runs as unknown[]).length, 48, '12 scenarios x 2 strategy sets x 2 seeds')
    assert.deepEqual(two, one)
    assert.equal(JSON.stringify(two), JSON.stringify(one), 'the same order too')
  })

  it('refuses a --workers that is not a whole number of at least 1', () => {
    for (const bad of ['0', '-2', '1.5', 'many']) {
      const { status, stderr } = lab(`--workers=${bad}`, '--seeds', '1')
      assert.equal(status, 2, bad)
      assert.match(stderr, /--workers: /)
    }
    assert.match(lab('--help').stdout, /--workers <n>/)
  })
})
