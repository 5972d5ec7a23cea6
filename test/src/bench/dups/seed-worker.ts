/**
 * One seed of the duplicates benchmark, in a process of its own: it builds the file named on its command line,
 * serves it on real libp2p over 127.0.0.1, reports where it listens, tells its CPU time when asked (so the bench
 * can charge the seeds' work to each fetch), and stops when told to (or when its parent goes away).
 */
import { seedAddress, seededFile } from '../../util/seed-fetch.js'
import { startSwapwright } from '../../util/swapwright-node.js'

const [bytes, chunk, seed, fanout] = process.argv.slice(2).map(Number)
const file = await seededFile(bytes, chunk, seed, fanout > 0 ? fanout : undefined)
const peer = await startSwapwright({ blocks: [file.root, ...file.interior ?? [], ...file.leaves] })
const stop = async (): Promise<void> => {
  await peer.stop()
  process.exit(0)
}
process.on('message', message => {
  if (message === 'stop') void stop()
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    process.send?.({ cpu: (user + system) / 1000 })
  }
})
process.on('disconnect', () => { void stop() })
process.send?.(seedAddress(peer))
