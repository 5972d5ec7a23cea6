import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { CLI, finished, swapwright, useServedFolder } from './cli-helpers.js'

const MiB = 1024 * 1024
const FILE_SIZE = 6 * MiB

/** The value of a metric in Prometheus' text format (the sample whose name and labels start with `name`). */
function sample (text: string, name: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line == null ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

async function scrape (url: string): Promise<string> {
  const response = await fetch(url)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/)
  return response.text()
}

describe('observability of the command', () => {
  const served = useServedFolder('swapwright-observe-', async work => {
    await writeFile(join(work, 'file.bin'), randomBytes(FILE_SIZE))
    await writeFile(join(work, 'other.bin'), randomBytes(1000))
  }, ['file.bin', '--repo', 'server', '--metrics', '127.0.0.1:0'])
  /** A field of one of serve's events, all of which it printed before it was ready. */
  const servedEvent = (name: string): Record<string, any> => served.server.events.find(e => e.event === name) ?? {}

  it('serve --metrics serves Prometheus text whose Bitswap counters move during a get', async () => {
    const before = await scrape(servedEvent('metrics').url)
    assert.equal(sample(before, 'ipfs_bitswap_blocks_sent'), 0)
    assert.equal(sample(before, 'ipfs_bitswap_data_sent_bytes'), 0)
    for (const name of ['ipfs_bitswap_wanthaves_broadcast', 'ipfs_bitswap_haves_received', 'ipfs_bitswap_unique_blocks_received']) {
      assert.ok(sample(before, name) != null, `${name} is exported`)
    }
    const result = await swapwright(['get', served.root, '--peer', served.address, '--repo', 'metrics-get', '-o', 'metrics.out', '--json'], served.work)
    assert.equal(result.code, 0, result.stderr + result.stdout)
    const done = result.events.find(e => e.event === 'done') as Record<string, any>
    const after = await scrape(servedEvent('metrics').url)
    assert.ok((sample(after, 'ipfs_bitswap_blocks_sent') ?? 0) >= done.blocks, after)
    assert.ok((sample(after, 'ipfs_bitswap_data_sent_bytes') ?? 0) >= FILE_SIZE)
    assert.ok((sample(after, 'ipfs_bitswap_messages_received') ?? 0) > 0)
    // per peer, labelled with the fetcher's peer id
    const perPeer = after.split('\n').filter(l => l.startsWith('ipfs_bitswap_peer_data_sent_bytes{peer="'))
    assert.ok(perPeer.some(l => Number(l.split(' ').at(-1)) >= FILE_SIZE), perPeer.join('\n'))
    // libp2p's own metrics come through the same endpoint
    assert.match(after, /^libp2p_/m)
    const notThere = await fetch(servedEvent('metrics').url.replace('/metrics', '/other'))
    assert.equal(notThere.status, 404)
  })

  it('get --json reports per provider blocks, bytes and latency, and progress with total, percent and ETA', async () => {
    const result = await swapwright(['get', served.root, '--peer', served.address, '--repo', 'report-get', '-o', 'report.out', '--json'], served.work)
    assert.equal(result.code, 0, result.stderr + result.stdout)
    const done = result.events.find(e => e.event === 'done') as Record<string, any>
    assert.equal(done.providers.length, 1, JSON.stringify(done.providers))
    const [provider] = done.providers
    assert.equal(provider.peer, servedEvent('ready').peer)
    assert.equal(provider.blocks, done.received)
    assert.ok(provider.bytes >= FILE_SIZE, `bytes ${provider.bytes}`)
    assert.ok(provider.latencyMs.mean >= 0 && provider.latencyMs.min <= provider.latencyMs.max, JSON.stringify(provider))
    assert.equal(done.fileBytes, FILE_SIZE)
    assert.equal(done.writtenBytes, FILE_SIZE)
    assert.ok(done.bytes > FILE_SIZE, 'the DAG holds the file and the nodes above it')
    assert.equal(done.receivedBytes, done.bytes, 'a fresh repository: every byte came over the network')
    const progress = result.events.filter(e => e.event === 'progress')
    assert.ok(progress.length > 0)
    for (const p of progress) assert.equal(p.total, done.bytes, 'the total is known from the root on')
    assert.ok(progress.every((p, i) => i === 0 || p.percent >= progress[i - 1].percent), 'percent only grows')
    // an ETA from the first second on (a fetch this small may be over sooner: the unit tests cover the rest)
    for (const p of progress) assert.equal(p.etaSeconds != null, p.seconds >= 1 && p.receivedBytes > 0, JSON.stringify(p))
  })

  it('a resumed get counts only what came over the network', async () => {
    // the first get's repository, with its blocks kept: nothing comes over the network the second time
    const result = await swapwright(['get', served.root, '--peer', served.address, '--repo', 'report-get', '-o', 'again.out', '--json'], served.work)
    assert.equal(result.code, 0, result.stderr)
    const done = result.events.find(e => e.event === 'done') as Record<string, any>
    assert.equal(done.received, 0)
    assert.equal(done.receivedBytes, 0)
    assert.equal(done.megabytesPerSecond, 0)
    const plain = await swapwright(['get', served.root, '--peer', served.address, '--repo', 'report-get', '-o', 'again-2.out'], served.work)
    assert.match(plain.stdout, /: 6\.0 MiB file \(6\.0 MiB DAG in \d+ blocks\), 0 B of it over the network \(the rest was in the repository\) in /)
  })

  it('a failed fetch says which phase failed and what each peer did', async () => {
    const missing = (await swapwright(['add', 'other.bin', '--repo', 'elsewhere', '--json'], served.work)).events[0].cid as string
    const refused = await swapwright(['get', missing, '--peer', served.address, '--repo', 'fail-1', '--not-found-timeout', '0.5', '--json'], served.work)
    assert.equal(refused.code, 3, refused.stdout + refused.stderr)
    const error = refused.events.find(e => e.event === 'error') as Record<string, any>
    assert.equal(error.phase, 'waiting for blocks')
    assert.equal(error.providers[0].peer, servedEvent('ready').peer)
    assert.ok(error.providers[0].dontHaves >= 1, JSON.stringify(error.providers))
    assert.equal(error.providers[0].blocks, 0)
    const plain = await swapwright(['get', missing, '--peer', served.address, '--repo', 'fail-2', '--not-found-timeout', '0.5'], served.work)
    assert.equal(plain.code, 3)
    assert.match(plain.stderr, /^ {2}failed while waiting for blocks$/m)
    assert.match(plain.stderr, new RegExp(`^ {2}peer ${servedEvent('ready').peer}: 0 blocks \\(0 B\\), .*\\d+ DONT_HAVE`, 'm'))

    const unreachable = await swapwright(['get', served.root, '--peer', `/ip4/127.0.0.1/tcp/1/p2p/${servedEvent('ready').peer}`, '--repo', 'fail-3', '--dial-timeout', '1', '--json'], served.work)
    assert.equal(unreachable.code, 4)
    const dialError = unreachable.events.find(e => e.event === 'error') as Record<string, any>
    assert.equal(dialError.phase, 'dialling peers')
    assert.deepEqual(dialError.providers, [])
  })

  it('DEBUG=swapwright:bitswap*,swapwright:bitswap*:trace: a line per want sent and per block received', async () => {
    const child = spawn(process.execPath, [CLI, 'get', served.root, '--peer', served.address, '--repo', 'trace-get', '-o', 'trace.out', '--json'], {
      cwd: served.work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBUG: 'swapwright:bitswap*,swapwright:bitswap*:trace' }
    })
    const result = await finished(child)
    assert.equal(result.code, 0, result.stderr.slice(-2000))
    const done = result.events.find(e => e.event === 'done') as Record<string, any>
    const lines = result.stderr.split('\n')
    const stored = lines.filter(l => / swapwright:bitswap:wire:trace from \S+: block \S+ verified and stored/.test(l))
    assert.equal(stored.length, done.received, 'one line per block received')
    const wants = lines.filter(l => / swapwright:bitswap:wire:trace to \S+: want-(block|have) /.test(l))
    assert.ok(wants.length >= done.received, `${wants.length} want lines for ${done.received} blocks`)
    assert.ok(lines.some(l => / swapwright:bitswap:peers \S+ connected, speaking Bitswap 1\.2\.0/.test(l)))
  })

  it('add reports its progress and its time', async () => {
    const result = await swapwright(['add', 'file.bin', '--repo', 'add-progress', '--json'], served.work)
    assert.equal(result.code, 0, result.stderr)
    const progress = result.events.filter(e => e.event === 'progress')
    for (const p of progress) assert.equal(p.total, FILE_SIZE)
    const added = result.events.find(e => e.event === 'added') as Record<string, any>
    assert.equal(added.bytesRead, FILE_SIZE)
    assert.equal(added.cid, served.root)
    const plain = await swapwright(['add', 'file.bin', '--repo', 'add-progress'], served.work)
    assert.match(plain.stdout, new RegExp(`^added ${served.root} file\\.bin \\(6\\.0 MiB in [\\d.]+ s, [\\d.]+ [KMG]?i?B/s\\)$`, 'm'))
  })
})
