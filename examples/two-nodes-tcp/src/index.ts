/**
 * Two Swapwright nodes on real libp2p hosts, over TCP on 127.0.0.1. The seed holds a 4 MiB file cut into 1 MiB
 * raw blocks; the fetcher dials it, gets every block through a session and compares the bytes with the
 * original. Run with `npm start -w examples/two-nodes-tcp` after `npm run build`.
 */
import { randomBytes } from 'node:crypto'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { blockstorePlugin, createBitswap, type Bitswap } from '@swapwright/core'
import { memoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { libp2pNetwork } from '@swapwright/transports'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { Libp2p } from '@libp2p/interface'

const FILE_SIZE = 4 * 1024 * 1024
const BLOCK_SIZE = 1024 * 1024

interface Node {
  libp2p: Libp2p
  bitswap: Bitswap
}

/** A libp2p host and a Bitswap node on it: the network, a store in memory and the Go policies; core fills the rest. */
async function startNode (): Promise<Node> {
  const libp2p = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, // loopback only, on a port the OS picks
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() } // how each side learns that the other speaks Bitswap
  })
  const bitswap = createBitswap({ network: libp2pNetwork(libp2p), blockstore: blockstorePlugin(memoryBlockstore()), ...goDefaults() })
  await bitswap.start()
  return { libp2p, bitswap }
}

/** The Bitswap node first, so it can release its streams; the libp2p host is ours to stop. */
async function stopNode (node: Node | undefined): Promise<void> {
  await node?.bitswap.stop()
  await node?.libp2p.stop()
}

let seed: Node | undefined
let fetcher: Node | undefined
try {
  seed = await startNode()
  fetcher = await startNode()

  // The seed stores the file as raw blocks, each named by the hash of its bytes.
  const file = randomBytes(FILE_SIZE)
  const cids: CID[] = []
  for (let offset = 0; offset < FILE_SIZE; offset += BLOCK_SIZE) {
    const bytes = file.subarray(offset, offset + BLOCK_SIZE)
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    await seed.bitswap.components.blockstore.put(cid, bytes)
    cids.push(cid)
  }
  await seed.bitswap.notifyNewBlocks(cids) // serves anyone who already asked

  // The fetcher connects to the seed and asks a session for every block; they come in arrival order.
  await fetcher.libp2p.dial(seed.libp2p.getMultiaddrs())
  const started = performance.now()
  const session = fetcher.bitswap.createSession({ providers: [seed.libp2p.peerId.toString()] })
  const received = new Map<string, Uint8Array>()
  try {
    for await (const { cid, bytes } of session.getBlocks(cids, { signal: AbortSignal.timeout(30_000) })) {
      received.set(cid.toString(), bytes)
    }
  } finally {
    session.close()
  }
  const elapsed = Math.round(performance.now() - started)

  // Every block was already checked against its CID on arrival; this checks that the file is whole again.
  const fetched = Buffer.concat(cids.map(cid => received.get(cid.toString()) ?? new Uint8Array(0)))
  if (!fetched.equals(file)) throw new Error('The fetched file differs from the original')
  console.log(`fetched ${cids.length} blocks (${FILE_SIZE / BLOCK_SIZE} MiB) from ${seed.libp2p.peerId.toString()} over TCP in ${elapsed} ms, byte-exact`)
} finally {
  await stopNode(fetcher)
  await stopNode(seed)
}
