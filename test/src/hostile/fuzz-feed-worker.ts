import { parentPort, workerData } from 'node:worker_threads'
import { decodeMessage, DEFAULT_DECODE_LIMITS, frame, SwapwrightError } from '@swapwright/core'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { createNode, type TestNode } from '../util/libp2p-node.js'
import { BITSWAP_120, write } from './attackers.js'
import { keep, readCorpus } from './fuzz-corpus.js'
import { MessageFuzzer } from './fuzz-messages.js'
import type { FuzzFeedReport, FuzzFeedSpec } from './fuzz-feed.js'
import type { Stream } from '@libp2p/interface'

/*
 * The feeding side of the wire fuzzer (see fuzz-feed.ts). Each body is decoded here with the node's own decoder
 * first: it must decode or fail with a typed SwapwrightError. The node resets a stream at a body it cannot
 * decode, so a stream carries decodable bodies and ends with at most one that is not; several such streams are
 * fed at once, so neither side waits on the other's round trips.
 */

const spec = workerData as FuzzFeedSpec
/** Frames per write at most: fewer, larger writes cost less than one write a body. */
const BATCH = 256
/** Bodies remembered for keeping in the corpus should the run fail. */
const RECENT = 32

const post = (report: FuzzFeedReport): void => { parentPort?.postMessage(report) }
let node: TestNode | undefined
const stopped = new Promise<void>(resolve => {
  parentPort?.on('message', (message: string) => { if (message === 'stop') resolve() })
})

/** Whether the node will take the body as a message; throws (after keeping it) on an untyped decode failure. */
function decodes (body: Uint8Array): boolean {
  try {
    decodeMessage(body, DEFAULT_DECODE_LIMITS)
    return true
  } catch (err) {
    if (err instanceof SwapwrightError) return false
    throw new Error(`decoding threw an untyped ${(err as Error).name}; kept as ${keep(body)}`, { cause: err })
  }
}

const recent: Uint8Array[] = []

async function feed (): Promise<FuzzFeedReport> {
  node = await createNode()
  const target = spec.addresses.map(a => multiaddr(a))
  const corpus = readCorpus()
  const messages = new MessageFuzzer(spec.seed, spec.known.map(c => CID.parse(c)))
  const bodies = (function * (): Generator<Uint8Array> {
    yield * corpus
    for (let i = 0; i < spec.count; i++) yield messages.next()
  })()
  let valid = 0
  let invalid = 0
  const lane = async (dialer: TestNode): Promise<void> => {
    let stream: Stream | undefined
    let batch: Uint8Array[] = []
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      const bytes = Buffer.concat(batch.map(body => frame(body).subarray()))
      batch = []
      stream ??= await dialer.dialProtocol(target, BITSWAP_120)
      await write(stream, bytes)
    }
    for (let next = bodies.next(); next.done !== true; next = bodies.next()) {
      const body = next.value
      recent.push(body)
      if (recent.length > RECENT) recent.shift()
      batch.push(body)
      if (decodes(body)) {
        valid++
        if (batch.length >= BATCH) await flush()
      } else {
        // The node resets this stream at this body; the next ones go on a fresh stream.
        invalid++
        await flush()
        stream = undefined
      }
    }
    await flush()
  }
  // One connection first, so the lanes' streams share it rather than racing to dial.
  await node.dial(target)
  await Promise.all(Array.from({ length: spec.lanes }, async () => { await lane(node as TestNode) }))
  return { event: 'fed', peer: node.peerId.toString(), valid, invalid, corpus: corpus.length, recent }
}

try {
  post(await feed())
} catch (err) {
  post({ event: 'failed', message: (err as Error).stack ?? String(err), recent })
}
await stopped
await node?.stop()
post({ event: 'stopped' })
