import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CLI, swapwright } from './cli-helpers.js'

/** 128 + SIGPIPE: how a shell reports a command that a closed pipe ended. */
const PIPE_CLOSED = 141

describe('the command\'s output', () => {
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-output-'))
  })

  after(async () => {
    await rm(work, { recursive: true, force: true })
  })

  it('the bin is the launcher from the source tree, so npm links it before anything is built', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    const bin = pkg.bin.swapwright as string
    assert.ok(!bin.includes('dist/'), `the bin ${bin} is not build output`)
    assert.ok(pkg.files.includes('bin'))
    const launcher = await readFile(new URL(`../../${bin}`, import.meta.url), 'utf8')
    assert.match(launcher, /^#!\/usr\/bin\/env -S node --max-semi-space-size=1\n/)
  })

  it('--version prints the version, as text or as one JSON event', async () => {
    const text = await swapwright(['--version'], work)
    assert.equal(text.code, 0)
    assert.match(text.stdout, /^swapwright \d+\.\d+\.\d+\n$/)
    const json = await swapwright(['--version', '--json'], work)
    assert.equal(json.code, 0)
    assert.equal(json.stdout.split('\n').filter(Boolean).length, 1)
    assert.equal(json.events[0].event, 'version')
    assert.equal(json.events[0].node, process.versions.node)
  })

  it('--json | head -1: a reader that goes away ends the command quietly, without a stack trace', async () => {
    const child = spawn(process.execPath, [CLI, 'demo', '--size', '32', '--json'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', chunk => { stderr += String(chunk) })
    // read one line, then close the pipe as head does
    let first = ''
    await new Promise<void>(resolve => {
      child.stdout.on('data', chunk => {
        first += String(chunk)
        if (first.includes('\n')) resolve()
      })
    })
    child.stdout.destroy()
    const [code] = await once(child, 'exit') as [number | null]
    assert.equal(JSON.parse(first.split('\n')[0]).event, 'serving')
    assert.equal(code, PIPE_CLOSED, stderr)
    assert.equal(stderr, '')
  })
})
