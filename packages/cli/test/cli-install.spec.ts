import assert from 'node:assert/strict'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { finished, Running, type RunResult } from './cli-helpers.js'

/** The clone's root, from packages/cli/dist/test. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
/** The packages the command needs at run time; the examples and the test package are not installed. */
const PACKAGES = ['@swapwright/cli', '@swapwright/core', '@swapwright/lab', '@swapwright/stores', '@swapwright/strategies', '@swapwright/transports']
/** The system's own directories only: the `node` found there is the machine's (Node 20 here), not the clone's 24. */
const SYSTEM_PATH = ['/usr/local/bin', '/usr/bin', '/bin'].join(delimiter)

describe('the installed command: npm install -g of the packed packages', () => {
  let work: string
  let prefix: string
  let elsewhere: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-install-'))
    prefix = join(work, 'prefix')
    elsewhere = join(work, 'somewhere', 'else')
    await mkdir(elsewhere, { recursive: true })
    const packs = join(work, 'packs')
    await mkdir(packs)
    execFileSync('npm', ['pack', ...PACKAGES.flatMap(p => ['-w', p]), '--pack-destination', packs], { cwd: ROOT, stdio: 'ignore' })
    const tarballs = readdirSync(packs).map(f => join(packs, f))
    assert.equal(tarballs.length, PACKAGES.length, `packed: ${tarballs.join(', ')}`)
    // From npm's cache where it can: the clone's `npm ci` has fetched every dependency already.
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs],
      { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] })
    env = { ...process.env, PATH: [join(prefix, 'bin'), SYSTEM_PATH].join(delimiter) }
  })

  it('the package carries the bundle the launcher runs, and no build state', async () => {
    const installedCli = join(prefix, 'lib', 'node_modules', '@swapwright', 'cli')
    assert.ok(readdirSync(join(installedCli, 'dist', 'bundle')).includes('cli.js'), 'packing bundled the command')
    assert.ok(readdirSync(join(installedCli, 'dist', 'bundle-get')).includes('cli.js'), 'packing bundled get on its own too')
    assert.ok(!readdirSync(join(installedCli, 'dist')).some(f => f.endsWith('.tsbuildinfo')))
  })

  after(async () => {
    await rm(work, { recursive: true, force: true })
  })

  async function installed (args: string[], cwd = elsewhere): Promise<RunResult> {
    return finished(spawn('swapwright', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }))
  }

  it('swapwright --version runs from any directory, on a Node new enough whatever the machine\'s own', async () => {
    const system = spawnSync('node', ['--version'], { env, encoding: 'utf8' })
    const result = await installed(['--version', '--json'])
    assert.equal(result.code, 0, result.stderr)
    const ours = JSON.parse(await readFile(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')).version
    assert.deepEqual(result.events.map(e => e.event), ['version'])
    assert.equal(result.events[0].version, ours)
    assert.ok(Number(result.events[0].node.split('.')[0]) >= 22, `ran on Node ${result.events[0].node} (the machine's: ${system.stdout.trim() || 'none'})`)
    const plain = await installed(['--version'])
    assert.equal(plain.stdout, `swapwright ${ours}\n`)
  })

  it('demo runs', async () => {
    const result = await installed(['demo', '--size', '2', '--json'])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.events.find(e => e.event === 'done')?.verified, true)
  })

  it('serve in one directory and get in another reproduce a file byte-exact', async () => {
    const serving = join(work, 'serving')
    await mkdir(serving)
    await writeFile(join(serving, 'file.bin'), randomBytes(3 * 1024 * 1024 + 7))
    const server = new Running(['serve', 'file.bin', '--listen', '/ip4/127.0.0.1/tcp/0', '--json'], serving, { command: 'swapwright', env })
    try {
      const address = (await server.next('listening')).address
      const root = (await server.next('serving')).cid
      await server.next('ready')
      // relative paths and the default repository are the working directory's, not the installation's
      const result = await installed(['get', root, '--peer', address, '-o', 'copy.bin', '--json'])
      assert.equal(result.code, 0, result.stderr + result.stdout)
      assert.deepEqual(await readFile(join(elsewhere, 'copy.bin')), await readFile(join(serving, 'file.bin')))
      assert.ok(readdirSync(join(elsewhere, '.swapwright')).includes('blocks'))
    } finally {
      assert.equal(await server.stop(), 0)
    }
  })
})
