/**
 * Seeds of the duplicates benchmark, in a process of their own: it builds the file named on its command line,
 * serves it from `count` nodes (default one) on real libp2p over 127.0.0.1, reports where they listen, tells its
 * CPU time and each node's replies when asked (so the bench can charge the seeds' work to each fetch), and stops
 * when told to (or when its parent goes away). Several nodes in one process keep the protocol the same (one
 * connection per seed) while the machine runs fewer processes: the bench compares the two to tell the cost of
 * the processes from that of the protocol.
 */
import { seedAddress, seededFile } from '../../util/seed-fetch.js'
import { startSwapwright, type SwapwrightPeer } from '../../util/swapwright-node.js'

const [bytes, chunk, seed, fanout, count = 1] = process.argv.slice(2).map(Number)
const file = await seededFile(bytes, chunk, seed, fanout > 0 ? fanout : undefined)
const peers: SwapwrightPeer[] = []
for (let i = 0; i < count; i++) peers.push(await startSwapwright({ blocks: [file.root, ...file.interior ?? [], ...file.leaves] }))
const stop = async (): Promise<void> => {
  await Promise.all(peers.map(async peer => peer.stop()))
  process.exit(0)
}
process.on('message', message => {
  if (message === 'stop') void stop()
  if (message === 'usage') {
    const { user, system } = process.cpuUsage()
    const nodes = peers.map(peer => peer.node.stats().server).map(({ messagesSent, blocksSent }) => ({ messages: messagesSent, blocks: blocksSent }))
    process.send?.({ cpu: (user + system) / 1000, nodes })
  }
})
process.on('disconnect', () => { void stop() })
process.send?.(peers.map(seedAddress))
