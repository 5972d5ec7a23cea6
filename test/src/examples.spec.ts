import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

// Each example is run the way its README tells a user to: its `start` script, from its own directory, on the
// compiled dist that the root build produced.
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url))

/** An example that has not ended by then is killed and fails: a hang must not stall the suite. */
const RUN_LIMIT_MS = 45_000

/** One row of a lab summary table: the scenario, then time, dups/blocks, dup % and messages for each strategy. */
function labRow (scenario: string, strategies: number): RegExp {
  const escaped = scenario.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  return new RegExp(`^${escaped}(\\s+\\d+\\.\\d{3} s\\s+\\d+/\\d+\\s+\\d+\\.\\d %\\s+\\d+/\\d+){${strategies}}\\s*$`, 'm')
}

/** What each example must print on stdout. A new example needs an entry here, or its test fails. */
const EXPECTED: Record<string, RegExp[]> = {
  'custom-request-splitter': [
    /^Medians over seeds 1, 2, 3 \(virtual time\):$/m,
    /^scenario\s+goDefaults time\s.*\sgo2019 time\s.*\spairSplitter time\s/m,
    labRow('FixedDelay/3Nodes-AllToAll-OneAtATime', 3),
    labRow('FixedDelay/10Nodes-AllToAll-BigBatch', 3),
    labRow('FixedDelay/3Nodes-Overlap3-UnixfsFetch', 3)
  ],
  'custom-decision-strategy': [
    /^Medians over seeds 1, 2, 3 \(virtual time\):$/m,
    /^scenario\s+goDefaults time\s.*\sgo2019 time\s.*\sshortestBacklogFirst time\s/m,
    labRow('FixedDelay/3Nodes-Overlap3-OneAtATime', 3),
    labRow('FixedDelay/10Nodes-AllToAll-BatchFetchBy10', 3),
    labRow('Example/5Nodes-2Leech-AllToAll-BigBatch-1MBps', 3)
  ],
  'two-nodes-tcp': [
    /^fetched 4 blocks \(4 MiB\) from 12D3Koo\w+ over TCP in \d+ ms, byte-exact$/m
  ]
}

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  stderr: string
}

function exampleDirs (): string[] {
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter(entry => entry.isDirectory() && existsSync(join(EXAMPLES, entry.name, 'package.json')))
    .map(entry => entry.name)
    .sort()
}

/** The example's `start` script, which must be `node <file> [args]`, run on this process's Node. */
async function runStart (dir: string): Promise<Run> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
  const start = pkg.scripts?.start
  assert.ok(start != null, `${dir}/package.json has no "start" script`)
  const [command, ...args] = start.trim().split(/\s+/)
  assert.equal(command, 'node', `the "start" script of ${dir} should run node, it is "${start}"`)
  return new Promise(resolve => {
    execFile(process.execPath, args, { cwd: dir, timeout: RUN_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const failure = err as (NodeJS.ErrnoException & { code?: number | string, signal?: NodeJS.Signals, killed?: boolean }) | null
      resolve({
        code: failure == null ? 0 : (typeof failure.code === 'number' ? failure.code : null),
        signal: failure?.signal ?? null,
        timedOut: failure?.killed === true,
        stdout,
        stderr
      })
    })
  })
}

describe('examples', () => {
  const names = exampleDirs()

  it('finds the examples, each with the output it must print', () => {
    assert.ok(names.length >= 3, `expected at least three examples in ${EXAMPLES}, found ${names.join(', ')}`)
    assert.deepEqual(names, Object.keys(EXPECTED).sort())
  })

  for (const name of names) {
    it(`${name}: its start script exits with 0 and prints its result`, async () => {
      const run = await runStart(join(EXAMPLES, name))
      const shown = `\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`
      assert.equal(run.timedOut, false, `${name} did not end within ${RUN_LIMIT_MS} ms${shown}`)
      assert.equal(run.code, 0, `${name} exited with ${run.code ?? run.signal}${shown}`)
      const expected = EXPECTED[name]
      assert.ok(expected != null, `no expected output for the example "${name}": add it to EXPECTED`)
      for (const line of expected) assert.match(run.stdout, line, `${name} did not print ${line}${shown}`)
    })
  }
})
