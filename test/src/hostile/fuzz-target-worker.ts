import { parentPort, workerData } from 'node:worker_threads'
import { CID } from 'multiformats/cid'
import { startSwapwright } from '../util/swapwright-node.js'
import type { FuzzTargetReport, FuzzTargetRequest } from './fuzz-target.js'

/* The node under fuzzing (see fuzz-target.ts): started with the given blocks, it answers for its counters. */

const { blocks } = workerData as { blocks: Array<{ cid: string, data: Uint8Array }> }
const post = (report: FuzzTargetReport): void => { parentPort?.postMessage(report) }

const node = await startSwapwright({ blocks: blocks.map(b => ({ cid: CID.parse(b.cid), data: b.data })) })
parentPort?.on('message', (request: FuzzTargetRequest) => {
  if (request.ask === 'stats') post({ event: 'stats', stats: node.network.stats(request.peer) })
  else void node.stop().then(() => { post({ event: 'stopped' }) })
})
post({ event: 'started', addresses: node.libp2p.getMultiaddrs().map(a => a.toString()), key: node.key })
