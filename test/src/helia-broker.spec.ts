import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { unixfs, type UnixFS } from '@helia/unixfs'
import { identify } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { ConflictingBrokerError, InvalidProviderError, MissingLibp2pError, SwapwrightBlockBroker, withSwapwright } from '@swapwright/helia'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { createHeliaLight } from 'helia'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { createHeliaNode, swapwrightHelia, type HeliaNode } from './util/helia-node.js'
import { loopbackStack, until } from './util/libp2p-node.js'
import { sameBytes, startSwapwright } from './util/swapwright-node.js'
import type { Router } from 'helia'
import type { ProgressEvent as AnyProgressEvent } from 'progress-events'

type ProgressEvent = AnyProgressEvent<string, any>

/** The swapwright command as built by `npm run build`; this file runs from test/dist/src. */
const CLI = fileURLToPath(new URL('../../../packages/cli/dist/src/cli.js', import.meta.url))
/** Every fetch gets this long before it fails the test instead of hanging it. */
const FETCH_TIMEOUT = 30_000
/** Several leaves of 256 KiB (the importer's default chunk) and a short last one. */
const FILE_SIZE = 3 * 1024 * 1024 + 12_345
const NOTE = 'a second, small file beside the large one\n'

async function collect (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}

/** Started, and stopped after the test. */
async function started<H extends { start: () => Promise<unknown>, stop: () => Promise<unknown> }> (t: TestContext, helia: H): Promise<H> {
  await helia.start()
  t.after(async () => { await helia.stop() })
  return helia
}

/** Lists a directory and reads both files through `fs`, checking every name and byte. */
async function assertTree (fs: UnixFS, root: CID, bytes: Uint8Array, options: { signal: AbortSignal, onProgress?: (event: ProgressEvent) => void }): Promise<void> {
  const entries = []
  for await (const entry of fs.ls(root, options)) entries.push(entry)
  assert.deepEqual(entries.map(entry => entry.name).sort(), ['big.bin', 'note.txt'])
  const big = await collect(fs.cat(root, { ...options, path: 'big.bin' }))
  assert.ok(sameBytes(big, bytes), `big.bin is byte-exact (${big.byteLength} of ${bytes.byteLength} bytes)`)
  assert.equal((await collect(fs.cat(root, { ...options, path: 'note.txt' }))).toString(), NOTE)
}

/** A directory of the two files, added to a Helia node through `@helia/unixfs`. */
async function addTree (fs: UnixFS, bytes: Uint8Array): Promise<CID> {
  let root = await fs.addDirectory()
  root = await fs.cp(await fs.addBytes(bytes), root, 'big.bin')
  return fs.cp(await fs.addBytes(new TextEncoder().encode(NOTE)), root, 'note.txt')
}

/** A Helia node with Swapwright (started first, so stopped last) and a plain Helia node holding the tree. */
async function fromPlainHelia (t: TestContext): Promise<{ fetcher: ReturnType<typeof swapwrightHelia>, seed: HeliaNode, root: CID, bytes: Uint8Array }> {
  const bytes = randomBytes(FILE_SIZE)
  const fetcher = await started(t, swapwrightHelia())
  const seed = await createHeliaNode()
  t.after(async () => { await seed.stop() })
  return { fetcher, seed, root: await addTree(unixfs(seed), bytes), bytes }
}

interface Serve {
  child: ChildProcess
  addresses: string[]
  root: CID
  peer: string
}

/** Runs `swapwright serve DIR` on 127.0.0.1 in its own process until `ready`, with its own repository. */
async function serve (t: TestContext, dir: string, repo: string): Promise<Serve> {
  const child = spawn(process.execPath, [CLI, 'serve', dir, '--repo', repo, '--listen', '/ip4/127.0.0.1/tcp/0', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.after(async () => {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGINT')
      await once(child, 'exit')
    }
  })
  let stderr = ''
  child.stderr?.on('data', chunk => { stderr += String(chunk) })
  const addresses: string[] = []
  let root: CID | undefined
  for await (const line of createInterface({ input: child.stdout! })) {
    if (!line.startsWith('{')) continue
    const event = JSON.parse(line)
    if (event.event === 'listening') addresses.push(event.address)
    if (event.event === 'serving') root = CID.parse(event.cid)
    if (event.event === 'ready') {
      assert.ok(root != null && addresses.length > 0, 'serve printed its root and addresses')
      return { child, addresses, root, peer: event.peer }
    }
  }
  throw new Error(`swapwright serve ended before it was ready: ${stderr}`)
}

describe('@swapwright/helia: a Helia node with Swapwright as its Bitswap, over TCP on 127.0.0.1', { timeout: 120_000 }, () => {
  it('lists and reads a UnixFS tree byte-exact from `swapwright serve`', async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'swapwright-helia-'))
    t.after(async () => { await rm(work, { recursive: true, force: true }) })
    const bytes = randomBytes(FILE_SIZE)
    await mkdir(join(work, 'tree'))
    await writeFile(join(work, 'tree', 'big.bin'), bytes)
    await writeFile(join(work, 'tree', 'note.txt'), NOTE)
    const server = await serve(t, join(work, 'tree'), join(work, 'repo'))

    const helia = await started(t, swapwrightHelia())
    await helia.libp2p.dial(server.addresses.map(address => multiaddr(address)))
    const events: ProgressEvent[] = []
    await assertTree(unixfs(helia), server.root, bytes, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT),
      onProgress: event => { events.push(event) }
    })

    // Helia's progress events, as a user of Helia's own Bitswap gets them, name the server as the sender.
    const received = events.filter(event => event.type === 'helia:block-broker:receive-block')
    assert.ok(received.length > 0, 'receive-block events were reported')
    for (const event of received) assert.equal(event.detail.provider.toString(), peerIdFromString(server.peer).toCID().toString())
    assert.ok(events.some(event => event.type === 'bitswap:want'), 'want events were reported')
    assert.ok(events.some(event => event.type === 'bitswap:block'), 'block events were reported')
    const stats = helia.swapwright.bitswap.stats()
    assert.ok(stats.client.blocksReceived >= 3, `the blocks came through Swapwright (${stats.client.blocksReceived})`)
    assert.equal(stats.protocolErrors, 0)
  })

  it('lists and reads a UnixFS tree byte-exact from a plain Helia node, through a session given its addresses', async (t) => {
    const { fetcher, seed, root, bytes } = await fromPlainHelia(t)

    // No dial first: the session's providers are the only way to the seed.
    const signal = AbortSignal.timeout(FETCH_TIMEOUT)
    const session = fetcher.blockstore.createSession(root, { providers: [seed.libp2p.getMultiaddrs()], signal })
    t.after(() => { session.close() })
    await assertTree(unixfs({ blockstore: session }), root, bytes, { signal })
    assert.ok(fetcher.swapwright.bitswap.stats().client.blocksReceived >= 3)
    assert.equal(await fetcher.blockstore.has(root), true, 'Helia stored what its session fetched')
  })

  it('reads from a plain Helia node named only in `cat`\'s providers', async (t) => {
    const { fetcher, seed, root, bytes } = await fromPlainHelia(t)

    const events: ProgressEvent[] = []
    const read = await collect(unixfs(fetcher).cat(root, {
      path: 'big.bin',
      providers: [seed.libp2p.getMultiaddrs()],
      signal: AbortSignal.timeout(FETCH_TIMEOUT),
      onProgress: event => { events.push(event) }
    }))
    assert.ok(sameBytes(read, bytes), 'big.bin is byte-exact')
    const connected = events.find(event => event.type === 'helia:block-broker:connected')
    assert.equal(connected?.detail.provider.toString(), seed.libp2p.peerId.toCID().toString())
  })

  it('finds a provider through Helia\'s routing when no peer is connected or named', async (t) => {
    const bytes = randomBytes(FILE_SIZE)
    const seed = await createHeliaNode()
    t.after(async () => { await seed.stop() })
    const root = await addTree(unixfs(seed), bytes)
    // A router of Helia's own kind that knows one provider for everything: the seed.
    const asked: string[] = []
    const router: Router = {
      name: 'one-provider',
      async * findProviders (cid) {
        asked.push(cid.toString())
        yield { id: seed.libp2p.peerId.toCID(), multiaddrs: seed.libp2p.getMultiaddrs(), router: 'one-provider', fallback: false }
      }
    }
    const fetcher = await started(t, swapwrightHelia({ routers: [router] }))
    await assertTree(unixfs(fetcher), root, bytes, { signal: AbortSignal.timeout(FETCH_TIMEOUT) })
    assert.ok(asked.length > 0, 'the session asked Helia\'s routing')
  })

  it('serves what Helia adds: a plain Helia node reads it byte-exact', async (t) => {
    const bytes = randomBytes(FILE_SIZE)
    const fetcher = await createHeliaNode()
    t.after(async () => { await fetcher.stop() })
    const seed = await started(t, swapwrightHelia())
    const root = await addTree(unixfs(seed), bytes)
    await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
    await assertTree(unixfs(fetcher), root, bytes, { signal: AbortSignal.timeout(FETCH_TIMEOUT) })
    assert.ok(seed.swapwright.bitswap.stats().server.blocksSent >= 3, 'Swapwright served the blocks')
  })

  it('rejects a session peer that is not a peer id with a typed error', async (t) => {
    const { fetcher, root } = await fromPlainHelia(t)
    const session = fetcher.blockstore.createSession(root, { providers: [], signal: AbortSignal.timeout(FETCH_TIMEOUT) })
    t.after(() => { session.close() })
    await assert.rejects(session.addPeer(root), InvalidProviderError)
  })

  it('answers DONT_HAVE for a block Helia lacks, and fetches nothing for the asking peer', async (t) => {
    const fetcher = await startSwapwright()
    t.after(async () => { await fetcher.stop() })
    const seed = await started(t, swapwrightHelia())
    const missing = CID.createV1(raw.code, await sha256.digest(randomBytes(1000)))
    await fetcher.network.connect({ peer: seed.libp2p.peerId.toString(), addresses: seed.libp2p.getMultiaddrs().map(String) })
    // A block nobody holds: the server looks it up in Helia's store only, says DONT_HAVE, and wants nothing itself.
    const controller = new AbortController()
    // Asked as a session peer, the seed is sent a WANT_BLOCK that asks for DONT_HAVE (a broadcast would not).
    const session = fetcher.node.createSession({ providers: [seed.libp2p.peerId.toString()], signal: controller.signal })
    const asking = session.getBlock(missing, { signal: controller.signal }).catch(() => {})
    await until(() => seed.swapwright.bitswap.stats().server.dontHavesSent > 0)
    assert.deepEqual(seed.swapwright.bitswap.getWantlist(), [], 'the Swapwright node did not go looking for it')
    assert.equal(await seed.blockstore.has(missing), false)
    controller.abort()
    await asking
  })

  it('replaces Helia\'s own Bitswap added the way createHelia adds it, with no second protocol handler', async (t) => {
    // createHelia() is withBitswap(withLibp2p(...)); this is the same order, on the loopback stack.
    const helia = withSwapwright(withBitswap(withLibp2pLight(createHeliaLight({
      blockstore: new MemoryBlockstore(),
      datastore: new MemoryDatastore()
    }), { ...loopbackStack(), services: { identify: identify() } })))
    await started(t, helia)
    assert.ok(helia.swapwright.isStarted())
    assert.ok(helia.libp2p.getProtocols().includes('/ipfs/bitswap/1.2.0'))

    const seed = await createHeliaNode()
    t.after(async () => { await seed.stop() })
    const bytes = randomBytes(300_000)
    const root = await unixfs(seed).addBytes(bytes)
    await helia.libp2p.dial(seed.libp2p.getMultiaddrs())
    const read = await collect(unixfs(helia).cat(root, { signal: AbortSignal.timeout(FETCH_TIMEOUT) }))
    assert.ok(sameBytes(read, bytes))
    const { client } = helia.swapwright.bitswap.stats()
    assert.ok(client.dataReceived >= bytes.byteLength, `Swapwright, not Helia's Bitswap, fetched it (${client.dataReceived} bytes)`)
  })

  it('builds a fresh node when Helia is stopped and started again, and fetches with it', async (t) => {
    const { fetcher, seed, root, bytes } = await fromPlainHelia(t)
    const first = fetcher.swapwright.bitswap
    await fetcher.stop()
    assert.equal(fetcher.swapwright.isStarted(), false)
    await fetcher.start()
    assert.notEqual(fetcher.swapwright.bitswap, first)
    await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
    await assertTree(unixfs(fetcher), root, bytes, { signal: AbortSignal.timeout(FETCH_TIMEOUT) })
  })

  it('says clearly when it is applied before libp2p, or beside another Bitswap broker', async () => {
    const early = withLibp2pLight(withSwapwright(createHeliaLight({ datastore: new MemoryDatastore() })), {
      ...loopbackStack(), services: { identify: identify() }
    })
    await assert.rejects(early.start(), MissingLibp2pError)
    await early.stop()

    const other = new SwapwrightBlockBroker()
    assert.throws(() => withSwapwright(createHeliaLight({ blockBrokers: [other] })), ConflictingBrokerError)
  })
})
