import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { decodeMessage, DEFAULT_DECODE_LIMITS, frame, SwapwrightError } from '@swapwright/core'
import { makeBlocks } from './util/blocks.js'
import { createNode, until } from './util/libp2p-node.js'
import { sameBytes, startSwapwright } from './util/swapwright-node.js'
import { BITSWAP_120, write } from './hostile/attackers.js'
import { MessageFuzzer } from './hostile/fuzz-messages.js'
import type { Stream } from '@libp2p/interface'

/*
 * Fuzzes a real node over real libp2p: 100,000 fuzzed message bodies a run (seeded from the date, printed, so a
 * run can be repeated with FUZZ_SEED), after every input kept in test/fuzz-corpus. Each body is also decoded here
 * with the same decoder: it must either decode or fail with a typed SwapwrightError, and the node must count
 * exactly the messages that decode as received and the rest as protocol errors (each resets its stream, so a
 * stream carries decodable bodies and ends with at most one that is not). Afterwards the node still serves a
 * block byte-exact. An input that breaks any of this is written to the corpus folder and the test fails.
 */

const CORPUS = resolve(fileURLToPath(import.meta.url), '../../../fuzz-corpus')
const COUNT = Number(process.env.FUZZ_COUNT ?? 100_000)

function keep (body: Uint8Array): string {
  const name = `${createHash('sha256').update(body).digest('hex').slice(0, 16)}.bin`
  writeFileSync(join(CORPUS, name), body)
  return name
}

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

describe('wire fuzzer against a real node', () => {
  it(`decodes ${COUNT.toLocaleString('en')} fuzzed messages and the corpus, and keeps serving`, { timeout: 600_000 }, async () => {
    const known = await makeBlocks(20, 700, 991)
    const node = await startSwapwright({ blocks: known })
    const fuzzer = await createNode()
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Date.now() / 86_400_000))
    console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} repeats this run)`)
    const recent: Uint8Array[] = []
    try {
      const corpus = readdirSync(CORPUS).filter(name => name.endsWith('.bin')).map(name => new Uint8Array(readFileSync(join(CORPUS, name))))
      const messages = new MessageFuzzer(seed, known)
      const bodies = function * (): Generator<Uint8Array> {
        yield * corpus
        for (let i = 0; i < COUNT; i++) yield messages.next()
      }
      let stream: Stream | undefined
      let valid = 0
      let invalid = 0
      // Bodies go out in batches of up to 256 frames per write; a batch ends early at a body the node rejects.
      let batch: Uint8Array[] = []
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return
        stream ??= await fuzzer.dialProtocol(node.libp2p.getMultiaddrs(), BITSWAP_120)
        await write(stream, Buffer.concat(batch.map(body => frame(body).subarray())))
        batch = []
      }
      for (const body of bodies()) {
        recent.push(body)
        if (recent.length > 32) recent.shift()
        const ok = decodes(body)
        batch.push(body)
        if (ok) {
          valid++
          if (batch.length >= 256) await flush()
        } else {
          // The node resets this stream at this body; the next ones go on a fresh stream.
          invalid++
          await flush()
          stream = undefined
        }
      }
      await flush()
      const key = fuzzer.peerId.toString()
      await until(() => {
        const stats = node.network.stats(key)
        return stats != null && stats.messagesReceived === valid && stats.protocolErrors === invalid
      })
      console.log(`fuzzed ${COUNT + corpus.length} messages (${corpus.length} from the corpus): ${valid} decoded, ${invalid} rejected`)
      assert.ok(valid + invalid >= COUNT)

      // Still serving, byte-exact.
      const client = await startSwapwright()
      try {
        await client.node.components.network.connect({ peer: node.key, addresses: node.libp2p.getMultiaddrs().map(a => a.toString()) })
        const bytes = await client.node.want(known[0].cid, { signal: AbortSignal.timeout(10_000) })
        assert.ok(sameBytes(bytes, known[0].data))
      } finally {
        await client.stop()
      }
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('kept as'))) {
        const kept = recent.map(keep)
        console.log(`kept the last ${kept.length} inputs in ${CORPUS}`)
      }
      throw err
    } finally {
      await fuzzer.stop()
      await node.stop()
    }
  })
})
