/**
 * The fetcher's own work per block, without a transport: one node fetches `--count` blocks of `--size` bytes
 * through one session from 1 and from 4 peers that cost nothing. Each peer answers the WANT_BLOCKs of a message on
 * the next turn with the blocks, packed into replies of up to 64 KiB as a server does. What is measured is the
 * client alone: registering wants, splitting them, sending want lists, and taking in, hashing, storing and
 * delivering the blocks. Rounds alternate the peer counts; the CPU time per block and the ratio of four peers to
 * one are printed as medians with their ranges.
 *
 * Run: `npm run build && node test/dist/src/bench/client-intake.bench.js`. Options (after `--`): --rounds N
 * (default 7), --count N (default 10000), --size BYTES (default 1024), --peers a,b (default 1,4).
 */
import { parseArgs } from 'node:util'
import { blockstorePlugin, createBitswap, encodePrefixOf, valuePlugin, type BitswapMessage, type BitswapNetwork, type LinkStats, type NetworkHandler, type PeerKey, type ProtocolVersion } from '@swapwright/core'
import { MemoryBlockstore } from '@swapwright/stores'
import { goDefaults } from '@swapwright/strategies'
import { makeBlocks, type TestBlock } from '../util/blocks.js'
import { median } from './median.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    count: { type: 'string', default: '10000' },
    size: { type: 'string', default: '1024' },
    peers: { type: 'string', default: '1,4' }
  }
})
const REPLY_BYTES = 64 * 1024

/** Peers that hold every block and answer each want list on the next turn, at no cost of their own. */
class AnsweringNetwork implements BitswapNetwork {
  readonly name = 'answering-network'
  readonly self = 'fetcher'
  private handler: NetworkHandler | undefined
  private readonly byKey: Map<string, TestBlock>

  constructor (blocks: TestBlock[], readonly peers: PeerKey[]) {
    this.byKey = new Map(blocks.map(block => [block.cid.toString(), block]))
  }

  async start (handler: NetworkHandler): Promise<void> {
    this.handler = handler
    for (const peer of this.peers) handler.onPeerConnected(peer, '1.2.0')
  }

  async stop (): Promise<void> {}

  async send (peer: PeerKey, message: BitswapMessage): Promise<void> {
    const wanted: TestBlock[] = []
    for (const entry of message.wantlist?.entries ?? []) {
      if (entry.cancel || entry.wantType !== 'block') continue
      const block = this.byKey.get(entry.cid.toString())
      if (block != null) wanted.push(block)
    }
    if (wanted.length > 0) setImmediate(() => { void this.answer(peer, wanted) })
  }

  private async answer (peer: PeerKey, blocks: TestBlock[]): Promise<void> {
    let reply: BitswapMessage['blocks'] = []
    let bytes = 0
    const flush = async (): Promise<void> => {
      if (reply.length === 0) return
      const message = { blocks: reply, presences: [], pendingBytes: 0, invalidEntries: 0 }
      reply = []
      await this.handler?.onMessage(peer, message, bytes)
      bytes = 0
    }
    for (const block of blocks) {
      if (bytes + block.data.byteLength > REPLY_BYTES) await flush()
      reply.push({ prefix: encodePrefixOf(block.cid), data: block.data })
      bytes += block.data.byteLength
    }
    await flush()
  }

  async connect (): Promise<ProtocolVersion> { return '1.2.0' }
  async disconnect (): Promise<void> {}
  version (): ProtocolVersion { return '1.2.0' }
  connectedPeers (): PeerKey[] { return [...this.peers] }
  latency (): number | undefined { return undefined }
  stats (): LinkStats | undefined { return undefined }
}

/** One fetch by a fresh node; returns its wall time and the process's CPU time, in ms. */
async function fetch (blocks: TestBlock[], peerCount: number): Promise<{ ms: number, cpu: number }> {
  const peers = Array.from({ length: peerCount }, (_, i) => `seed-${i}`)
  const network = new AnsweringNetwork(blocks, peers)
  const node = createBitswap({ ...goDefaults(), network: valuePlugin('answering-network', network), blockstore: blockstorePlugin(new MemoryBlockstore()) })
  await node.start()
  const cpu = process.cpuUsage()
  const started = performance.now()
  const session = node.createSession({ providers: peers })
  let got = 0
  for await (const _ of session.getBlocks(blocks.map(block => block.cid))) got++
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  if (got !== blocks.length) throw new Error(`${got} of ${blocks.length} blocks arrived`)
  const { duplicateBlocks } = node.stats().client
  if (duplicateBlocks !== 0) throw new Error(`${duplicateBlocks} duplicate blocks`)
  session.close()
  await node.stop()
  return { ms, cpu: (used.user + used.system) / 1000 }
}

const rounds = Number(args.rounds)
const count = Number(args.count)
const peerCounts = args.peers.split(',').map(Number)
const blocks = await makeBlocks(count, Number(args.size), 41)
const cpu = new Map<number, number[]>(peerCounts.map(p => [p, []]))
const wall = new Map<number, number[]>(peerCounts.map(p => [p, []]))
await fetch(blocks, peerCounts[0])
for (let round = 0; round < rounds; round++) {
  for (const peers of peerCounts) {
    const result = await fetch(blocks, peers)
    cpu.get(peers)?.push(result.cpu)
    wall.get(peers)?.push(result.ms)
  }
}
const range = (values: number[], scale = 1): string => `${(median(values) * scale).toFixed(1)} [${(Math.min(...values) * scale).toFixed(1)}–${(Math.max(...values) * scale).toFixed(1)}]`
console.log(`client intake: ${count} blocks of ${args.size} B, ${rounds} rounds, medians [ranges]`)
for (const peers of peerCounts) {
  const c = cpu.get(peers) ?? []
  const w = wall.get(peers) ?? []
  console.log(`${String(peers).padStart(2)} peers: CPU µs per block ${range(c, 1000 / count)}, wall ms ${range(w)}, blocks/s ${Math.round(count / (median(w) / 1000))}`)
}
if (peerCounts.length > 1) {
  const first = cpu.get(peerCounts[0]) ?? []
  const last = peerCounts[peerCounts.length - 1]
  const ratios = (cpu.get(last) ?? []).map((c, i) => c / first[i])
  console.log(`CPU ${last} peers / ${peerCounts[0]}, per round: ${range(ratios)}`)
}
