import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { CLI, finished, serveOnLoopback, swapwright, useServedFolder, type Running } from './cli-helpers.js'

/**
 * Runs the compiled command with a loader hook that writes the URL of every module it loads to `record`, one a
 * line, as the process exits.
 */
async function recordingModules (args: string[], cwd: string, record: string): Promise<Awaited<ReturnType<typeof finished>>> {
  const hook = `
    import { registerHooks } from 'node:module'
    import { writeFileSync } from 'node:fs'
    const loaded = []
    registerHooks({ load (url, context, next) { loaded.push(url); return next(url, context) } })
    process.on('exit', () => { writeFileSync(${JSON.stringify(record)}, loaded.join('\\n')) })`
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  return finished(child)
}

/** Packages a command must not load unless it uses them. */
const ONLY_WHEN_USED = {
  lab: /\/packages\/lab\/|@swapwright\/lab/,
  dht: /@libp2p\/kad-dht/,
  importer: /ipfs-unixfs-importer/,
  webSockets: /@libp2p\/websockets|node_modules\/ws\//
}

/**
 * What a get of a file from --peer addresses, with --json, does not load either: the progress bar's library (no
 * line is drawn), the exporter and its codecs (the file's root is read from its own block), and identify.
 */
const NOT_FOR_A_FILE = {
  progressBar: /node_modules\/cli-progress\//,
  exporter: /ipfs-unixfs-exporter|@ipld\/dag-cbor|@ipld\/dag-json/,
  identify: /@libp2p\/identify/
}

describe('start-up: a command loads only what it uses', () => {
  const served = useServedFolder('swapwright-cli-startup-', async work => {
    await writeFile(join(work, 'file.bin'), randomBytes(300_000))
  }, ['file.bin', '--repo', 'server-repo'])

  it('--help loads no command, no libp2p and none of the lab, DHT, importer or WebSockets', async () => {
    const record = join(served.work, 'help.modules')
    const result = await recordingModules(['--help'], served.work, record)
    assert.equal(result.code, 0, result.stderr)
    const loaded = (await readFile(record, 'utf8')).split('\n')
    assert.ok(loaded.some(url => url.endsWith('/dist/src/cli.js')), 'the hook saw the command itself')
    for (const [name, pattern] of Object.entries({ ...ONLY_WHEN_USED, libp2p: /node_modules\/libp2p\//, commands: /\/dist\/src\/commands\/.+-command\.js/ })) {
      assert.deepEqual(loaded.filter(url => pattern.test(url)), [], `--help loaded ${name}`)
    }
  })

  it('a get of a file from a TCP --peer loads none of the lab, DHT, importer, WebSockets, progress bar, exporter or identify, and fetches the file', async () => {
    const record = join(served.work, 'get.modules')
    const result = await recordingModules(['get', served.root, '--peer', served.address, '--repo', 'get-repo', '-o', 'got.bin', '--json'], served.work, record)
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(await readFile(join(served.work, 'got.bin')), await readFile(join(served.work, 'file.bin')))
    const loaded = (await readFile(record, 'utf8')).split('\n')
    assert.ok(loaded.some(url => /node_modules\/libp2p\//.test(url)), 'the hook saw libp2p load')
    for (const [name, pattern] of Object.entries({ ...ONLY_WHEN_USED, ...NOT_FOR_A_FILE })) {
      assert.deepEqual(loaded.filter(url => pattern.test(url)), [], `get loaded ${name}`)
    }
    const connected = result.events.find(e => e.event === 'connected')
    assert.equal(connected?.address, served.address)
    assert.ok(Number.isInteger(connected?.ms) && (connected?.ms ?? -1) >= 0, 'connected says how long the dial took')
  })
})

/** The bundle the launcher runs for get and cat (made by npm run build), from packages/cli/dist/test. */
const GET_BUNDLE = fileURLToPath(new URL('../bundle-get/cli.js', import.meta.url))

/** Node's own modules a get needs only after its first want, if at all (scripts/bundle.js, LAZY_BUILTINS). */
const LATER_BUILTINS = ['worker_threads', 'zlib', 'v8', 'dns/promises', 'internal/util/parse_args/parse_args', 'internal/util/diff']

describe('the get bundle loads Node\'s modules a get needs later only when they are used', () => {
  it('get --help, which loads every module of a get, loads none of worker_threads, zlib, v8, dns/promises or util\'s argument parser and diff', async () => {
    const work = await mkdtemp(join(tmpdir(), 'swapwright-cli-builtins-'))
    try {
      const record = join(work, 'builtins')
      // Node's list of its own modules loaded so far, as the process exits
      const hook = `process.on('exit', () => { process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(record)}, process.moduleLoadList.join('\\n')) })`
      const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, GET_BUNDLE, 'get', '--help'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] })
      const result = await finished(child)
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, /Usage: swapwright get/)
      const loaded = new Set((await readFile(record, 'utf8')).split('\n'))
      assert.ok(loaded.has('NativeModule crypto'), 'the record holds the modules the get loaded')
      assert.deepEqual(LATER_BUILTINS.filter(name => loaded.has(`NativeModule ${name}`)), [])
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })
})

/**
 * A TCP relay in front of a serve that resets the first `resets` connections at once (a server turning a crowd
 * away looks like this from the fetcher's side), then relays the rest to the serve.
 */
async function resettingRelay (target: string, resets: number): Promise<{ server: Server, port: number, resetCount: () => number }> {
  const [, , host, , port] = target.split('/')
  let count = 0
  const sockets = new Set<Socket>()
  const server = createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    if (count < resets) {
      count++
      socket.resetAndDestroy()
      return
    }
    const upstream = connect(Number(port), host)
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    socket.pipe(upstream).pipe(socket)
    socket.on('error', () => upstream.destroy())
    upstream.on('error', () => socket.destroy())
  })
  server.on('close', () => { for (const socket of sockets) socket.destroy() })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as { port: number }).port, resetCount: () => count }
}

describe('a dial that is reset is dialled again, and the fetch goes on', () => {
  let work: string
  let served: Running
  let relay: Awaited<ReturnType<typeof resettingRelay>>
  let relayed: string
  let root: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-reset-'))
    await writeFile(join(work, 'file.bin'), randomBytes(500_000))
    const { server, address, root: served0 } = await serveOnLoopback(['file.bin', '--repo', 'server-repo'], work)
    served = server
    root = served0
    relay = await resettingRelay(address, 3)
    relayed = address.replace(/\/tcp\/\d+\//, `/tcp/${relay.port}/`)
  })

  after(async () => {
    relay.server.close()
    assert.equal(await served.stop(), 0, 'serve shuts down cleanly')
    await rm(work, { recursive: true, force: true })
  })

  it('three resets, each a dial-retry event, then the file byte-exact', async () => {
    const result = await swapwright(['get', root, '--peer', relayed, '--repo', 'reset-repo', '-o', 'reset.bin', '--json'], work)
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.deepEqual(await readFile(join(work, 'reset.bin')), await readFile(join(work, 'file.bin')))
    assert.equal(relay.resetCount(), 3)
    const retries = result.events.filter(e => e.event === 'dial-retry')
    assert.equal(retries.length, 3, JSON.stringify(retries))
    for (const retry of retries) {
      assert.equal(retry.address, relayed)
      assert.match(retry.message, /ECONNRESET|reset|closed|Encryption failed/i)
    }
  })
})
