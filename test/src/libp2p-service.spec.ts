import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, it, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { identify, type Identify } from '@libp2p/identify'
import { blockstorePlugin, NotStartedError, type BitswapEvents } from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { bitswapService, type BitswapServiceInit, type Libp2pBitswapService } from '@swapwright/transports'
import { createLibp2p } from 'libp2p'
import { makeBlocks, type TestBlock } from './util/blocks.js'
import { createHeliaNode, heliaGet } from './util/helia-node.js'
import { loopbackStack, stopNodes, until } from './util/libp2p-node.js'
import { sameBytes } from './util/swapwright-node.js'
import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/** Every fetch gets this long before it fails the test instead of hanging it. */
const FETCH_TIMEOUT = 30_000

type ServiceNode = Libp2p<{ identify: Identify, bitswap: Libp2pBitswapService }>

interface ServicePeer {
  libp2p: ServiceNode
  service: Libp2pBitswapService
  store: MemoryBlockstore
}

interface ServicePeerInit extends Omit<BitswapServiceInit, 'blockstore'> {
  blocks?: TestBlock[]
  /** Start the node at once (default true), as `createLibp2p` does. */
  start?: boolean
}

/**
 * A libp2p node on 127.0.0.1 running Swapwright as its `bitswap` service over an in-memory blockstore that
 * holds `blocks`. The node is stopped when the test ends, pass or fail.
 */
async function servicePeer (t: TestContext, init: ServicePeerInit = {}): Promise<ServicePeer> {
  const { blocks = [], start = true, ...options } = init
  const store = new MemoryBlockstore()
  for (const block of blocks) await store.put(block.cid, block.data)
  const libp2p: ServiceNode = await createLibp2p({
    start,
    ...loopbackStack(),
    services: {
      identify: identify(),
      bitswap: bitswapService({ preset: goDefaults(), ...options, blockstore: blockstorePlugin(store) })
    }
  })
  t.after(async () => { await stopNodes(libp2p) })
  return { libp2p, service: libp2p.services.bitswap, store }
}

/** A block read back from a blockstore (which yields it in chunks) as one array. */
async function stored (store: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(cid)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/**
 * The sockets, listening or connected, that would keep this process alive. Tests run one at a time and each
 * stops its nodes when it ends, so only the calling test's nodes can hold any. A socket closed just now is still
 * listed until the event loop's next close phase, so two turns of the loop are let go by first.
 */
async function openSockets (): Promise<string[]> {
  for (let turn = 0; turn < 2; turn++) await new Promise(resolve => setImmediate(resolve))
  return process.getActiveResourcesInfo().filter(kind => kind.startsWith('TCP'))
}

/**
 * A whole run in a process of its own: two service nodes, one block fetched, both nodes stopped, and then
 * nothing more. The process ends by itself only if stopping left no socket, stream or timer of ours behind.
 * What libp2p itself leaves is a one-second debounce timer; Bitswap's own timers run for tens of seconds
 * (rebroadcasts every 30 s). So a process still alive `EXIT_GRACE` ms after the stops is held by something that
 * should have gone: a watchdog, which itself holds nothing, then ends it with code 3 and says what held it.
 */
const EXIT_GRACE = 10_000
const LIFETIME_SCRIPT = `
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { blockstorePlugin } from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { bitswapService } from '@swapwright/transports'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

const data = new TextEncoder().encode('one block, fetched over loopback between two nodes of one process')
const cid = CID.createV1(raw.code, await sha256.digest(data))
async function node (store) {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()],
    services: { identify: identify(), bitswap: bitswapService({ blockstore: blockstorePlugin(store), ...goDefaults() }) }
  })
}
const seedStore = new MemoryBlockstore()
await seedStore.put(cid, data)
const seed = await node(seedStore)
const fetcher = await node(new MemoryBlockstore())
await fetcher.dial(seed.getMultiaddrs())
const got = await fetcher.services.bitswap.want(cid)
await fetcher.stop()
await seed.stop()
process.stdout.write(JSON.stringify({ fetched: Buffer.from(got).equals(data) }))
setTimeout(() => {
  process.stderr.write('still running, held by ' + process.getActiveResourcesInfo().join(', '))
  process.exit(3)
}, ${EXIT_GRACE}).unref()
`

/** The test workspace, from which the script's bare imports resolve as this file's do. */
const WORKSPACE = fileURLToPath(new URL('../..', import.meta.url))

describe('Bitswap as a libp2p service: real nodes over TCP on 127.0.0.1', { timeout: 60_000 }, () => {
  it('fetches blocks with want and with a session through the service', async (t) => {
    const blocks = await makeBlocks(6, 50_000, 401)
    const seed = await servicePeer(t, { blocks })
    const fetcher = await servicePeer(t, { start: false })
    // Listeners added before the node starts hear the Bitswap node the start builds.
    const received: Array<BitswapEvents['block:received']['detail']> = []
    const connected: string[] = []
    fetcher.service.addEventListener('block:received', (event) => { received.push(event.detail) })
    fetcher.service.addEventListener('peer:connected', (event) => { connected.push(event.detail.peer) })
    await fetcher.libp2p.start()
    assert.equal(fetcher.service.isStarted, true)
    assert.ok(fetcher.libp2p.getProtocols().includes('/ipfs/bitswap/1.2.0'), 'the service handles Bitswap')

    // A plain libp2p dial: identify and the topology tell each service about the other.
    await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
    const seedKey = seed.libp2p.peerId.toString()
    const signal = AbortSignal.timeout(FETCH_TIMEOUT)

    const first = await fetcher.service.want(blocks[0].cid, { signal })
    assert.ok(sameBytes(first, blocks[0].data), 'want returns the exact bytes')

    const session = fetcher.service.createSession({ signal })
    const rest = blocks.slice(1)
    const fetched = await Promise.all(rest.map(async block => session.getBlock(block.cid, { signal })))
    rest.forEach((block, i) => { assert.ok(sameBytes(fetched[i], block.data), `session block ${i} is byte-exact`) })
    session.close()

    for (const block of blocks) {
      assert.ok(sameBytes(await stored(fetcher.store, block.cid), block.data), 'every fetched block is stored')
    }
    assert.deepEqual(received.map(r => r.cid.toString()).sort(), blocks.map(b => b.cid.toString()).sort())
    assert.ok(received.every(r => r.peer === seedKey), 'every block came from the seed')
    assert.deepEqual(connected, [seedKey])
    assert.deepEqual(fetcher.service.getWantlist(), [], 'nothing is still wanted')
    assert.equal(fetcher.service.stats().client.blocksReceived, blocks.length)
    assert.equal(seed.service.stats().server.blocksSent, blocks.length)
    assert.ok((fetcher.service.network.stats(seedKey)?.messagesReceived ?? 0) > 0, 'the network counted the traffic')
  })

  it('hands the network its options and the node the rest', async (t) => {
    const older = await servicePeer(t, { protocols: ['/ipfs/bitswap/1.1.0'], maxIncomingMessageSize: 3_000_000 })
    const bitswapProtocols = older.libp2p.getProtocols().filter(p => p.startsWith('/ipfs/bitswap'))
    assert.deepEqual(bitswapProtocols, ['/ipfs/bitswap/1.1.0'])
    assert.deepEqual(older.service.network.protocols, ['/ipfs/bitswap/1.1.0'])
    assert.equal(older.service.bitswap.config.maxIncomingMessageSize, 3_000_000)

    const [block] = await makeBlocks(1, 5_000, 407)
    const seed = await servicePeer(t, { blocks: [block] })
    await older.libp2p.dial(seed.libp2p.getMultiaddrs())
    assert.ok(sameBytes(await older.service.want(block.cid, { signal: AbortSignal.timeout(FETCH_TIMEOUT) }), block.data))
    assert.equal(older.service.network.version(seed.libp2p.peerId.toString()), '1.1.0')
  })

  it('serves blocks added later once told with notifyNewBlocks', async (t) => {
    const [late] = await makeBlocks(1, 10_000, 402)
    const seed = await servicePeer(t)
    // No rebroadcast within the test's time: the block can only come because the seed was told about it.
    const fetcher = await servicePeer(t, { rebroadcastInterval: 10 * FETCH_TIMEOUT })
    await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
    const signal = AbortSignal.timeout(FETCH_TIMEOUT)

    const wanting = fetcher.service.want(late.cid, { signal })
    await until(() => seed.service.stats().server.wantlistEntries > 0)
    await seed.store.put(late.cid, late.data)
    await seed.service.notifyNewBlocks([late.cid])
    assert.ok(sameBytes(await wanting, late.data))
  })

  it('stops with the libp2p node and leaves no socket open', async (t) => {
    const [block] = await makeBlocks(1, 20_000, 403)
    const seed = await servicePeer(t, { blocks: [block] })
    const fetcher = await servicePeer(t)
    await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
    const session = fetcher.service.createSession()
    assert.ok(sameBytes(await session.getBlock(block.cid, { signal: AbortSignal.timeout(FETCH_TIMEOUT) }), block.data))
    const bitswap = fetcher.service.bitswap

    await fetcher.libp2p.stop()
    assert.equal(fetcher.service.isStarted, false)
    assert.equal(bitswap.isStarted, false, 'the Bitswap node stopped with libp2p')
    assert.equal(fetcher.libp2p.getProtocols().some(p => p.startsWith('/ipfs/bitswap')), false, 'protocols released')
    assert.throws(() => fetcher.service.bitswap, NotStartedError)
    await assert.rejects(fetcher.service.want(block.cid), NotStartedError)

    await seed.libp2p.stop()
    assert.equal(seed.service.isStarted, false)
    assert.deepEqual(await openSockets(), [], 'no listener or connection is left behind')
  })

  it('lets its process exit once the nodes are stopped', async (t) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', LIFETIME_SCRIPT], {
      cwd: WORKSPACE,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    // Only reached if the test fails or times out first: a process that would not end must not outlive it.
    t.after(() => { if (child.exitCode == null && child.signalCode == null) child.kill() })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const [code] = await once(child, 'exit') as [number | null]
    assert.equal(code, 0, stderr)
    assert.deepEqual(JSON.parse(stdout), { fetched: true })
  })

  it('builds a fresh Bitswap node when libp2p starts again', async (t) => {
    const blocks = await makeBlocks(2, 8_000, 404)
    const seed = await servicePeer(t, { blocks })
    const fetcher = await servicePeer(t)
    await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
    const signal = AbortSignal.timeout(FETCH_TIMEOUT)
    assert.ok(sameBytes(await fetcher.service.want(blocks[0].cid, { signal }), blocks[0].data))
    const before = fetcher.service.bitswap

    await fetcher.libp2p.stop()
    await fetcher.libp2p.start()
    assert.notEqual(fetcher.service.bitswap, before)
    assert.equal(fetcher.service.bitswap.isStarted, true)
    await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
    assert.ok(sameBytes(await fetcher.service.want(blocks[1].cid, { signal }), blocks[1].data))
  })

  it('throws NotStartedError when used before the node starts', async (t) => {
    const [block] = await makeBlocks(1, 100, 405)
    const { libp2p, service } = await servicePeer(t, { start: false })
    const notStarted = (err: unknown): boolean => {
      assert.ok(err instanceof NotStartedError)
      assert.equal(err.code, 'ERR_NOT_STARTED')
      assert.match(err.message, new RegExp(`Bitswap service of libp2p node ${libp2p.peerId.toString()} is not started`))
      return true
    }
    assert.equal(service.isStarted, false)
    assert.throws(() => service.bitswap, notStarted)
    assert.throws(() => service.network, notStarted)
    assert.throws(() => service.createSession(), notStarted)
    assert.throws(() => service.getWantlist(), notStarted)
    assert.throws(() => service.stats(), notStarted)
    await assert.rejects(service.want(block.cid), notStarted)
    await assert.rejects(service.notifyNewBlocks([block.cid]), notStarted)

    await libp2p.start()
    assert.equal(service.isStarted, true)
    assert.deepEqual(service.getWantlist(), [])
  })

  it('is refused by libp2p without the identify service it depends on', async () => {
    await assert.rejects(createLibp2p({
      start: false,
      ...loopbackStack(),
      services: { bitswap: bitswapService({ blockstore: blockstorePlugin(new MemoryBlockstore()), ...goDefaults() }) }
    }), (err: Error) => {
      assert.equal(err.name, 'UnmetServiceDependenciesError')
      assert.match(err.message, /@swapwright\/bitswap.*@libp2p\/identify/)
      return true
    })
  })

  it('serves a Helia node', async (t) => {
    const blocks = await makeBlocks(3, 30_000, 406)
    // The fetcher first, so it is stopped first.
    const helia = await createHeliaNode()
    t.after(async () => { await helia.stop() })
    const seed = await servicePeer(t, { blocks })
    await helia.libp2p.dial(seed.libp2p.getMultiaddrs())

    const signal = AbortSignal.timeout(FETCH_TIMEOUT)
    const fetched = await Promise.all(blocks.map(async block => heliaGet(helia, block.cid, { signal })))
    blocks.forEach((block, i) => { assert.ok(sameBytes(fetched[i], block.data), `block ${i} is byte-exact`) })
    assert.equal(seed.service.stats().server.blocksSent, blocks.length)
  })
})
