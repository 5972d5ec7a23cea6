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
})
