import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openRepo, parseConnectionLimits, startNode, type CliNode, type Repo } from '@swapwright/cli'
import { makeBlocks, type TestBlock } from '../util/blocks.js'
import { startSwapwright, sameBytes } from '../util/swapwright-node.js'
import type { Libp2pBitswapNetwork } from '@swapwright/transports'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The node `swapwright serve` runs (its own composition, `startNode`, over a repository on disk), listening on
 * 127.0.0.1 and holding a file's worth of blocks and small blocks for one-want probes.
 */
export interface ServedNode {
  node: CliNode
  repo: Repo
  addresses: Multiaddr[]
  network: Libp2pBitswapNetwork
  /** The blocks of a file an honest peer fetches. */
  file: TestBlock[]
  /** Small blocks, one per probe. */
  small: TestBlock[]
  stop(): Promise<void>
}

export async function serveNode (fileBlocks = 32, blockSize = 256 * 1024, smallBlocks = 64): Promise<ServedNode> {
  const dir = await mkdtemp(join(tmpdir(), 'swapwright-hostile-'))
  const repo = await openRepo(dir)
  const file = await makeBlocks(fileBlocks, blockSize, 901)
  const small = await makeBlocks(smallBlocks, 512, 902)
  for (const block of [...file, ...small]) await repo.blockstore.put(block.cid, block.data)
  // The connection limits `serve` runs with, its defaults: libp2p's own (5 new connections a second from one
  // address) would turn most of these peers away before they could misbehave, since they all come from 127.0.0.1.
  const node = await startNode(repo.blockstore, ['/ip4/127.0.0.1/tcp/0'], undefined, {
    limits: parseConnectionLimits({})
  })
  return {
    node,
    repo,
    addresses: node.libp2p.getMultiaddrs(),
    network: node.bitswap.components.network as Libp2pBitswapNetwork,
    file,
    small,
    stop: async () => {
      await node.stop()
      await repo.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** An honest Swapwright peer fetches the whole file; resolves true when every block came back byte-exact. */
export async function honestFetch (served: ServedNode, timeout = 60_000): Promise<boolean> {
  const peer = await startSwapwright()
  try {
    const server = served.node.libp2p.peerId.toString()
    await peer.node.components.network.connect({ peer: server, addresses: served.addresses.map(a => a.toString()) })
    const session = peer.node.createSession({ providers: [server], signal: AbortSignal.timeout(timeout) })
    const expected = new Map(served.file.map(b => [b.cid.toString(), b.data]))
    let exact = 0
    for await (const { cid, bytes } of session.getBlocks(served.file.map(b => b.cid))) {
      const want = expected.get(cid.toString())
      if (want != null && sameBytes(bytes, want)) exact++
    }
    session.close()
    return exact === served.file.length
  } finally {
    await peer.stop()
  }
}

/** What the server still holds for peers: all zero once every peer has gone. */
export function holdings (served: ServedNode): Record<string, number> {
  const server = served.node.bitswap.stats().server
  const network = served.network.holdings()
  return {
    nodePeers: served.node.bitswap.stats().peers,
    bitswapPeers: served.network.connectedPeers().length,
    ledgers: server.peers,
    wantlistEntries: server.wantlistEntries,
    wantedBlocks: server.wantedBlocks,
    queuedMessages: server.queuedMessages,
    queuedPeers: server.queuedPeers,
    keptBlocks: server.keptBlocks,
    inboundStreams: network.inboundStreams,
    peersReading: network.peersReading,
    outboundStreams: network.outboundStreams,
    messagesWaiting: network.queuedMessages,
    bytesWaiting: network.queuedBytes,
    intakes: network.intakes
  }
}

export function nothingHeld (served: ServedNode): boolean {
  return Object.values(holdings(served)).every(n => n === 0)
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
