import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { makeBlocks } from './util/blocks.js'
import { sameBytes, startSwapwright } from './util/swapwright-node.js'
import { CORPUS, keep } from './hostile/fuzz-corpus.js'
import { FuzzFeedError, fuzzFeed, type FuzzFed } from './hostile/fuzz-feed.js'
import { fuzzTarget } from './hostile/fuzz-target.js'

/*
 * Fuzzes a real node over real libp2p: 100,000 fuzzed message bodies a run (seeded from the date, printed, so a
 * run can be repeated with FUZZ_SEED), after every input kept in test/fuzz-corpus. Each body is also decoded by
 * the feeder with the same decoder: it must either decode or fail with a typed SwapwrightError, and the node must
 * count exactly the messages that decode as received and the rest as protocol errors (each resets its stream, so
 * a stream carries decodable bodies and ends with at most one that is not). Afterwards the node still serves a
 * block byte-exact. An input that breaks any of this is written to the corpus folder and the test fails.
 * The node and the feeder each run in a worker thread (hostile/fuzz-target.ts, fuzz-feed.ts), one a core, the
 * feeder on several streams at once.
 */

const COUNT = Number(process.env.FUZZ_COUNT ?? 100_000)
/** Streams fed at once: enough that the node under test never waits on the feeder's round trips. */
const LANES = 8
/** How long the node may take to count what it was fed, once it all went out: far beyond what it takes. */
const COUNT_TIMEOUT_MS = 90_000

describe('wire fuzzer against a real node', () => {
  it(`decodes ${COUNT.toLocaleString('en')} fuzzed messages and the corpus, and keeps serving`, { timeout: 600_000 }, async () => {
    const known = await makeBlocks(20, 700, 991)
    const node = await fuzzTarget(known.map(b => ({ cid: b.cid.toString(), data: b.data })))
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Date.now() / 86_400_000))
    console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} repeats this run)`)
    const feeder = fuzzFeed({ addresses: node.addresses, known: known.map(b => b.cid.toString()), seed, count: COUNT, lanes: LANES })
    let fed: FuzzFed | undefined
    try {
      fed = await feeder.fed
      const { peer, valid, invalid, corpus } = fed
      for (const deadline = Date.now() + COUNT_TIMEOUT_MS; ;) {
        const stats = await node.stats(peer)
        if (stats != null && stats.messagesReceived === valid && stats.protocolErrors === invalid) break
        if (Date.now() > deadline) throw new Error(`the node should count ${valid} messages and ${invalid} protocol errors; it counts ${JSON.stringify(stats)}`)
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      console.log(`fuzzed ${COUNT + corpus} messages (${corpus} from the corpus): ${valid} decoded, ${invalid} rejected`)
      assert.ok(valid + invalid >= COUNT)

      // Still serving, byte-exact.
      const client = await startSwapwright()
      try {
        await client.node.components.network.connect({ peer: node.key, addresses: node.addresses })
        const bytes = await client.node.want(known[0].cid, { signal: AbortSignal.timeout(10_000) })
        assert.ok(sameBytes(bytes, known[0].data))
      } finally {
        await client.stop()
      }
    } catch (err) {
      // An input the decoder threw on untyped is kept already; otherwise the last ones fed are the suspects.
      const recent = err instanceof FuzzFeedError ? err.recent : fed?.recent ?? []
      if (!(err instanceof Error && err.message.includes('kept as')) && recent.length > 0) {
        const kept = recent.map(keep)
        console.log(`kept the last ${kept.length} inputs in ${CORPUS}`)
      }
      throw err
    } finally {
      await feeder.stop()
      await node.stop()
    }
  })
})
