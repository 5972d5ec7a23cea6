import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { Running, swapwright } from './cli-helpers.js'

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

describe('the swapwright command over a DHT on 127.0.0.1', { timeout: 120_000 }, () => {
  let work: string
  // The first DHT node, which everyone joins through; it serves a small tree itself.
  let hub: Running
  let hubAddress: string
  let hubPeer: string
  let treeRoot: string
  // A second DHT node that joined through the hub and serves the file.
  let seed: Running
  let seedPeer: string
  let fileRoot: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'swapwright-cli-dht-'))
    await writeFile(join(work, 'file.bin'), randomBytes(3 * 1024 * 1024 + 5))
    await mkdir(join(work, 'tree', 'inner'), { recursive: true })
    await writeFile(join(work, 'tree', 'a.txt'), 'held by the first DHT node\n')
    await writeFile(join(work, 'tree', 'inner', 'b.bin'), randomBytes(70_000))

    hub = new Running(['serve', 'tree', '--dht', '--repo', 'hub-repo', '--listen', LOOPBACK, '--json'], work)
    hubAddress = (await hub.next('listening')).address
    hubPeer = (await hub.next('ready')).peer
    treeRoot = (await hub.next('serving')).cid
    const hubDht = await hub.next('dht')
    assert.equal(hubDht.mode, 'server')
    assert.deepEqual(hubDht.peers, [], 'the first node joins through nobody')
    // Nobody else to tell yet: the record stays on the hub, where lookups through it will find it.
    assert.equal((await hub.next('provided')).cid, treeRoot)

    seed = new Running(['serve', 'file.bin', '--bootstrap', hubAddress, '--repo', 'seed-repo', '--listen', LOOPBACK, '--json'], work)
    seedPeer = (await seed.next('ready')).peer
    fileRoot = (await seed.next('serving')).cid
    assert.deepEqual((await seed.next('dht')).peers, [hubPeer])
    const provided = await seed.next('provided')
    assert.equal(provided.cid, fileRoot)
    assert.equal(provided.peers, 1, 'the record went to the hub')
  })

  after(async () => {
    assert.equal(await seed.stop(), 0, 'the seed shuts down cleanly')
    assert.equal(await hub.stop(), 0, 'the hub shuts down cleanly')
    await rm(work, { recursive: true, force: true })
  })

  it('get with only --bootstrap finds the seed through the DHT and fetches the file byte-exact', async () => {
    const result = await swapwright(['get', fileRoot, '--bootstrap', hubAddress, '--repo', 'fetch-1', '-o', 'file.out', '--json'], work)
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.deepEqual(await readFile(join(work, 'file.out')), await readFile(join(work, 'file.bin')))
    assert.deepEqual(result.events.find(e => e.event === 'joined')?.peers, [hubPeer])
    const provider = result.events.find(e => e.event === 'provider')
    assert.equal(provider?.via, 'dht')
    assert.equal(provider?.peer, seedPeer, 'the DHT named the seed, which the command was never told about')
    assert.ok(provider.addresses.length > 0 && provider.addresses.every((a: string) => a.startsWith('/ip4/127.0.0.1/tcp/')), provider.addresses.join(' '))
    const done = result.events.find(e => e.event === 'done')
    assert.equal(done?.received, done?.blocks, 'every block came over the network')
  })

  it('finds what the first DHT node serves itself', async () => {
    const result = await swapwright(['get', treeRoot, '--bootstrap', hubAddress, '--repo', 'fetch-2', '-o', 'tree.out', '--json'], work)
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.equal(result.events.find(e => e.event === 'provider')?.peer, hubPeer)
    for (const file of ['a.txt', 'inner/b.bin']) {
      assert.deepEqual(await readFile(join(work, 'tree.out', file)), await readFile(join(work, 'tree', file)), file)
    }
  })

  it('people see which provider the DHT found', async () => {
    const result = await swapwright(['get', fileRoot, '--bootstrap', hubAddress, '--repo', 'fetch-3', '-o', 'file-3.out'], work)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, new RegExp(`found provider ${seedPeer} through the DHT`))
    assert.match(result.stdout, /fetched .* [KMG]?i?B\/s/)
  })

  describe('errors: a clear message and a specific exit code', () => {
    it('neither --peer nor --bootstrap nor --public: 2', async () => {
      const result = await swapwright(['get', fileRoot, '--repo', 'e1'], work)
      assert.equal(result.code, 2)
      assert.match(result.stderr, /get needs somewhere to look: --peer ADDR .* --bootstrap ADDR .* --public/)
    })

    it('no provider of the CID within --find-timeout: 4', async () => {
      const unknown = CID.createV1(raw.code, await sha256.digest(randomBytes(32))).toString()
      const result = await swapwright(['get', unknown, '--bootstrap', hubAddress, '--find-timeout', '2', '--repo', 'e2', '--json'], work)
      assert.equal(result.code, 4, result.stdout + result.stderr)
      const error = result.events.find(e => e.event === 'error')
      assert.equal(error?.message, `No provider of ${unknown} found through the DHT within 2 s (see --find-timeout)`)
      assert.equal(error?.code, 4)
    })

    it('a bootstrap peer that cannot be reached: 4', async () => {
      const result = await swapwright(['get', fileRoot, '--bootstrap', `/ip4/127.0.0.1/tcp/1/p2p/${hubPeer}`, '--dial-timeout', '5', '--repo', 'e3'], work)
      assert.equal(result.code, 4)
      assert.match(result.stderr, /Cannot reach \/ip4\/127\.0\.0\.1\/tcp\/1\//)
    })

    it('a bootstrap peer that does not speak the DHT protocol asked for: 4', async () => {
      const result = await swapwright(['get', fileRoot, '--bootstrap', hubAddress, '--dht-protocol', '/swapwright/other/kad/1.0.0', '--repo', 'e4'], work)
      assert.equal(result.code, 4)
      assert.match(result.stderr, /does not run the DHT \/swapwright\/other\/kad\/1\.0\.0/)
    })

    it('--dht-protocol with --public: 2, before anything is dialled', async () => {
      const result = await swapwright(['get', fileRoot, '--public', '--dht-protocol', '/x/kad/1.0.0', '--repo', 'e5'], work)
      assert.equal(result.code, 2)
      assert.match(result.stderr, /--public always speaks the public DHT protocol/)
    })
  })

  it('the help of get and serve describes the DHT options and their defaults', async () => {
    const get = await swapwright(['get', '--help'], work)
    assert.equal(get.code, 0)
    for (const option of ['--bootstrap ADDR', '--public', '--dht-protocol NAME', '--find-timeout SEC']) assert.ok(get.stdout.includes(option), option)
    assert.match(get.stdout, /\(default 30\)/)
    assert.match(get.stdout, /\/swapwright\/kad\/1\.0\.0/)
    const serve = await swapwright(['serve', '--help'], work)
    assert.equal(serve.code, 0)
    for (const option of ['--dht ', '--bootstrap ADDR', '--public', '--dht-protocol NAME']) assert.ok(serve.stdout.includes(option), option)
  })
})
