import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { access, constants, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where `npm run kubo:install` puts Kubo (this file runs from test/dist/src/util). `KUBO_BIN` points elsewhere,
 * e.g. at a Kubo built by hand.
 */
export const KUBO_BIN = process.env.KUBO_BIN ?? fileURLToPath(new URL('../../../../.kubo/bin/ipfs', import.meta.url))

/**
 * The bound on a whole Kubo suite: generous, since a loaded shared machine can run it several times slower; each
 * fetch inside has its own, tighter bound (the command's --idle-timeout, Kubo's --timeout).
 */
export const KUBO_SUITE_TIMEOUT = 600_000

/** How long a daemon may take to answer its API after starting (a cold start on a loaded 2-core machine). */
const KUBO_START_TIMEOUT_MS = 60_000
/**
 * The bound on one `ipfs` command: far beyond any here (adding or fetching 1 GiB on a loaded machine; a Kubo
 * suite's own bound), only so that a command that hangs is killed rather than left running past its test.
 */
const IPFS_COMMAND_TIMEOUT_MS = 600_000
/** How long a stopping daemon gets after SIGTERM before its process group is killed. */
const KUBO_STOP_GRACE_MS = 5_000

/**
 * Every IPv4 range but 127.0.0.0/8, and all of IPv6, as connection-gater filters: a Kubo node of the tests can
 * neither dial nor accept anything but loopback, whatever address it learns.
 */
const NOT_LOOPBACK = [
  '/ip4/0.0.0.0/ipcidr/2', '/ip4/64.0.0.0/ipcidr/3', '/ip4/96.0.0.0/ipcidr/4', '/ip4/112.0.0.0/ipcidr/5',
  '/ip4/120.0.0.0/ipcidr/6', '/ip4/124.0.0.0/ipcidr/7', '/ip4/126.0.0.0/ipcidr/8', '/ip4/128.0.0.0/ipcidr/1',
  '/ip6/::/ipcidr/0'
]

async function installed (): Promise<boolean> {
  try {
    await access(KUBO_BIN, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Why the Kubo tests cannot run here, or undefined when they can. Under `CI=true` a missing Kubo is not a reason
 * to skip: the tests run and fail, since CI installs Kubo first (`.ci/run`).
 */
export async function kuboSkipReason (): Promise<string | undefined> {
  if (await installed() || process.env.CI === 'true') return undefined
  return `Kubo is not installed at ${KUBO_BIN}: run \`npm run kubo:install\` (needs Go 1.25 or later)`
}

export interface IpfsRun {
  stdout: Buffer
  stderr: string
}

export interface IpfsOptions {
  input?: Uint8Array
  cwd?: string
  /** Takes stdout chunk by chunk instead of collecting it (then `stdout` is empty): a 1 GiB `cat` is hashed as it arrives. */
  onStdout?: (chunk: Buffer) => void
}

export interface KuboStartOptions {
  /** Configuration profiles applied at `ipfs init` after `test` (e.g. `unixfs-v1-2025`). */
  profiles?: string[]
  /** Extra configuration: top-level keys merged one level deep over the fixture's own. */
  config?: Record<string, Record<string, unknown>>
}

/**
 * The loopback-only configuration every Kubo node of the tests runs with, over `ipfs init --profile test` (which
 * already listens on 127.0.0.1 port 0 and has no bootstrap peers): no mDNS, no routing, no AutoConf, no
 * telemetry, no providing, no HTTP retrieval, no relay, NAT or hole punching, TCP only with noise, so every
 * connection is TCP + noise + yamux on 127.0.0.1.
 */
function loopbackConfig (config: Record<string, any>): void {
  const merge = (key: string, value: Record<string, unknown>): void => { config[key] = { ...config[key], ...value } }
  merge('Addresses', { API: '/ip4/127.0.0.1/tcp/0', Gateway: '/ip4/127.0.0.1/tcp/0', Swarm: ['/ip4/127.0.0.1/tcp/0'], Announce: [], AppendAnnounce: [] })
  config.Bootstrap = []
  merge('Discovery', { MDNS: { Enabled: false } })
  merge('Routing', { Type: 'none', DelegatedRouters: [] })
  merge('AutoConf', { Enabled: false })
  merge('AutoTLS', { Enabled: false })
  merge('AutoNAT', { ServiceMode: 'disabled' })
  merge('Provide', { Enabled: false })
  merge('HTTPRetrieval', { Enabled: false })
  merge('Plugins', { Plugins: { telemetry: { Disabled: true, Config: { Mode: 'off' } } } })
  merge('Swarm', {
    AddrFilters: NOT_LOOPBACK,
    DisableNatPortMap: true,
    EnableHolePunching: false,
    RelayClient: { Enabled: false },
    RelayService: { Enabled: false },
    Transports: {
      ...config.Swarm?.Transports,
      Network: { TCP: true, Websocket: false, QUIC: false, WebTransport: false, WebRTCDirect: false, Relay: false },
      Security: { TLS: false, Noise: 1 },
      Multiplexers: { Yamux: 1 }
    }
  })
}

/** A Kubo daemon in a fresh repository, loopback only. */
export class KuboNode {
  readonly repo: string
  readonly peerId: string
  /** Its TCP swarm address on 127.0.0.1, ending in /p2p/<peer id>. */
  readonly address: string
  /** The RPC API's base URL. */
  readonly api: string
  private readonly daemon: ChildProcess
  private readonly exited: Promise<unknown>

  private constructor (repo: string, daemon: ChildProcess, exited: Promise<unknown>, api: string, peerId: string, address: string) {
    this.repo = repo
    this.daemon = daemon
    this.exited = exited
    this.api = api
    this.peerId = peerId
    this.address = address
  }

  /** `ipfs init --profile test`, the loopback configuration, then `ipfs daemon`; resolves once the API answers. */
  static async start (options: KuboStartOptions = {}): Promise<KuboNode> {
    if (!await installed()) throw new Error(`Kubo is not installed at ${KUBO_BIN}: run \`npm run kubo:install\``)
    const repo = await mkdtemp(join(tmpdir(), 'swapwright-kubo-'))
    try {
      await ipfsIn(repo, ['init', '--empty-repo', '--profile', ['test', ...options.profiles ?? []].join(',')])
      const configFile = join(repo, 'config')
      const config = JSON.parse(await readFile(configFile, 'utf8'))
      loopbackConfig(config)
      for (const [key, value] of Object.entries(options.config ?? {})) config[key] = { ...config[key], ...value }
      await writeFile(configFile, JSON.stringify(config, null, 2))
      return await KuboNode.daemon(repo)
    } catch (err) {
      await rm(repo, { recursive: true, force: true })
      throw err
    }
  }

  private static async daemon (repo: string): Promise<KuboNode> {
    // Detached: the daemon leads its own process group, so stopping kills it and anything it started.
    const daemon = spawn(KUBO_BIN, ['daemon', '--migrate=false'], { env: kuboEnv(repo), detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = once(daemon, 'exit').catch(() => {})
    let output = ''
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`Kubo did not start within ${KUBO_START_TIMEOUT_MS} ms:\n${output}`)) }, KUBO_START_TIMEOUT_MS)
      const onData = (chunk: Buffer): void => {
        output += String(chunk)
        const api = /RPC API server listening on (\S+)/.exec(output)?.[1]
        if (api != null && output.includes('Daemon is ready')) {
          clearTimeout(timer)
          resolve(api)
        }
      }
      daemon.stdout?.on('data', onData)
      daemon.stderr?.on('data', onData)
      daemon.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`Kubo exited with ${code} before it was ready:\n${output}`))
      })
      daemon.once('error', err => {
        clearTimeout(timer)
        reject(err)
      })
    })
    let apiAddress: string
    try {
      apiAddress = await ready
    } catch (err) {
      killGroup(daemon, 'SIGKILL')
      await exited
      throw err
    }
    const port = /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)$/.exec(apiAddress)?.[1]
    const api = `http://127.0.0.1:${port}/api/v0`
    try {
      if (port == null) throw new Error(`Kubo's API is not on 127.0.0.1: ${apiAddress}`)
      const id = await rpc(api, 'id') as { ID: string, Addresses: string[] | null }
      const address = (id.Addresses ?? []).find(a => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(a))
      if (address == null) throw new Error(`Kubo has no TCP address on 127.0.0.1: ${JSON.stringify(id.Addresses)}`)
      return new KuboNode(repo, daemon, exited, api, id.ID, address)
    } catch (err) {
      killGroup(daemon, 'SIGKILL')
      await exited
      throw err
    }
  }

  /** The daemon's process id (for CPU and memory readings from /proc). */
  get pid (): number {
    return this.daemon.pid as number
  }

  /** Runs `ipfs <args>` against this node (through its API); rejects with stderr on a non-zero exit. */
  async ipfs (args: string[], options: IpfsOptions = {}): Promise<IpfsRun> {
    return ipfsIn(this.repo, args, options)
  }

  /** Calls the RPC API directly: cheaper than a process when a test only needs the answer. */
  async rpc (command: string, args: Record<string, string | string[]> = {}): Promise<any> {
    return rpc(this.api, command, args)
  }

  /** `ipfs stats bitswap` as JSON. */
  async bitswapStats (): Promise<{ BlocksReceived: number, DupBlksReceived: number, DupDataReceived: number, BlocksSent: number, DataReceived: number, Wantlist: Array<{ '/': string }> | null, Peers: string[] | null }> {
    return this.rpc('stats/bitswap')
  }

  /** The daemon's peak resident memory so far (VmHWM, Linux), in bytes; undefined where /proc has no answer. */
  async peakRssBytes (): Promise<number | undefined> {
    try {
      const status = await readFile(`/proc/${this.daemon.pid}/status`, 'utf8')
      const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]
      return kib == null ? undefined : Number(kib) * 1024
    } catch {
      return undefined
    }
  }

  /** Stops the daemon (SIGTERM, then SIGKILL after a grace period, to its whole process group) and deletes the repository. */
  async stop (): Promise<void> {
    if (this.daemon.exitCode == null && this.daemon.signalCode == null) {
      killGroup(this.daemon, 'SIGTERM')
      const grace = setTimeout(() => { killGroup(this.daemon, 'SIGKILL') }, KUBO_STOP_GRACE_MS)
      await this.exited
      clearTimeout(grace)
    }
    await rm(this.repo, { recursive: true, force: true })
  }
}

function kuboEnv (repo: string): NodeJS.ProcessEnv {
  // IPFS_TELEMETRY is belt and braces with the config; GOLOG keeps the daemon's own output short.
  return { ...process.env, IPFS_PATH: repo, IPFS_TELEMETRY: 'off', DO_NOT_TRACK: '1', GOLOG_LOG_LEVEL: 'error' }
}

function killGroup (child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid != null) process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

async function ipfsIn (repo: string, args: string[], options: IpfsOptions = {}): Promise<IpfsRun> {
  const child = spawn(KUBO_BIN, args, { env: kuboEnv(repo), cwd: options.cwd, stdio: [options.input == null ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  let stderr = ''
  child.stdout?.on('data', options.onStdout ?? ((chunk: Buffer) => { stdout.push(chunk) }))
  child.stderr?.on('data', chunk => { stderr += String(chunk) })
  if (options.input != null) child.stdin?.end(options.input)
  // A command that never ends (a fetch with no --timeout of its own) is killed, so the test fails naming it.
  const timer = setTimeout(() => { child.kill('SIGKILL') }, IPFS_COMMAND_TIMEOUT_MS)
  // 'close', not 'exit': only then has all of stdout been read.
  const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null]
  clearTimeout(timer)
  if (signal === 'SIGKILL') throw new Error(`ipfs ${args.join(' ')} did not end within ${IPFS_COMMAND_TIMEOUT_MS} ms: ${stderr}`)
  if (code !== 0) throw new Error(`ipfs ${args.join(' ')} exited with ${code}: ${stderr}`)
  return { stdout: Buffer.concat(stdout), stderr }
}

async function rpc (api: string, command: string, args: Record<string, string | string[]> = {}): Promise<any> {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(args)) for (const v of [value].flat()) query.append(key, v)
  const response = await fetch(`${api}/${command}?${query.toString()}`, { method: 'POST' })
  const text = await response.text()
  if (!response.ok) throw new Error(`Kubo ${command} answered ${response.status}: ${text}`)
  return text === '' ? undefined : JSON.parse(text)
}
