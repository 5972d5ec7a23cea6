/**
 * CPU cost of a whole fetch through two real nodes on the simulated network (no latency, virtual time): how many
 * blocks per second of real time the client and server paths sustain, without any transport underneath.
 * Run with `npm run build && node test/dist/src/bench/sim-throughput.bench.js`.
 */
import { makeBlocks } from '../util/blocks.js'
import { Swarm } from '../util/swarm.js'

async function run (count: number, size: number): Promise<{ seconds: number, blocksPerSecond: number, mbPerSecond: number }> {
  const blocks = await makeBlocks(count, size, 7)
  const swarm = new Swarm({ latency: 0 })
  await swarm.add('seed', { blocks })
  const fetcher = await swarm.add('fetcher')
  await swarm.connectAll()
  const session = fetcher.node.createSession({ providers: ['seed'] })
  const started = performance.now()
  let received = 0
  await swarm.run(async () => {
    for await (const _ of session.getBlocks(blocks.map(b => b.cid))) received++
  })
  const seconds = (performance.now() - started) / 1000
  if (received !== count) throw new Error(`received ${received} of ${count}`)
  session.close()
  await swarm.stop()
  return { seconds, blocksPerSecond: count / seconds, mbPerSecond: count * size / seconds / 1e6 }
}

for (const [count, size] of [[10_000, 1024], [64, 1024 * 1024]] as const) {
  const r = await run(count, size)
  console.log(`${count} x ${size} B: ${r.seconds.toFixed(2)} s, ${Math.round(r.blocksPerSecond)} blocks/s, ${r.mbPerSecond.toFixed(1)} MB/s`)
}
