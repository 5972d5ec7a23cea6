import { encodeMessage, encodePrefixOf, SeededRandom, type BitswapMessage, type WantEntry } from '@swapwright/core'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'

/*
 * Message bodies for fuzzing a node's decoder and server: most are well-formed messages with hostile contents
 * (odd CIDs and codecs, identity hashes, extreme priorities, cancels and full wantlists, blocks whose bytes do
 * not match their prefix), the rest are byte-level mutations of such messages and plain random bytes.
 */

const CODECS = [0x55, 0x70, 0x71, 0x0129, 0x12345]
const HASHES: Array<[number, number]> = [[0x12, 32], [0x00, 0], [0x00, 40], [0x13, 64], [0x1e, 32], [0xb220, 32], [0x99, 7]]

export class MessageFuzzer {
  private readonly random: SeededRandom
  /** CIDs of blocks the node holds, so some wants and presences name real blocks. */
  private readonly known: readonly CID[]

  constructor (seed: number, known: readonly CID[]) {
    this.random = new SeededRandom(seed)
    this.known = known
  }

  /** The next fuzzed body (without its length prefix). */
  next (): Uint8Array {
    const roll = this.random.next()
    if (roll < 0.9) return encodeMessage(this.message(), this.version())
    if (roll < 0.97) return this.mutate(encodeMessage(this.message()))
    return this.bytes(this.random.int(300))
  }

  private version (): '1.0.0' | '1.1.0' | '1.2.0' {
    return (['1.0.0', '1.1.0', '1.2.0'] as const)[this.random.int(3)]
  }

  private cid (): CID {
    if (this.known.length > 0 && this.random.next() < 0.3) return this.known[this.random.int(this.known.length)]
    const [code, size] = HASHES[this.random.int(HASHES.length)]
    const digest = createDigest(code, this.bytes(size))
    const codec = CODECS[this.random.int(CODECS.length)]
    return this.random.next() < 0.1 && code === 0x12 && size === 32 ? CID.createV0(digest as never) : CID.createV1(codec, digest)
  }

  private message (): BitswapMessage {
    // Mostly a few wants, sometimes many: decoding cost grows with entries, and a run is 100,000 messages.
    const wants = this.random.next() < 0.05 ? this.random.int(300) : this.random.int(8)
    const entries: WantEntry[] = Array.from({ length: wants }, () => ({
      cid: this.cid(),
      priority: [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), this.random.int(1000)][this.random.int(6)],
      wantType: this.random.next() < 0.5 ? 'block' : 'have',
      sendDontHave: this.random.next() < 0.5,
      cancel: this.random.next() < 0.2
    }))
    const blocks = Array.from({ length: this.random.next() < 0.2 ? this.random.int(3) : 0 }, () => {
      const cid = this.cid()
      return { prefix: encodePrefixOf(cid), data: this.bytes(this.random.int(2000)) }
    })
    const presences = Array.from({ length: this.random.int(5) }, () => ({ cid: this.cid(), type: this.random.next() < 0.5 ? 'have' as const : 'dont-have' as const }))
    return {
      wantlist: this.random.next() < 0.9 ? { full: this.random.next() < 0.1, entries } : undefined,
      blocks,
      presences,
      pendingBytes: this.random.int(2 ** 31)
    }
  }

  private mutate (bytes: Uint8Array): Uint8Array {
    const out = [...bytes]
    for (let i = 0, n = 1 + this.random.int(4); i < n; i++) {
      const at = this.random.int(out.length + 1)
      switch (this.random.int(4)) {
        case 0: if (out.length > 0) out[at % out.length] = this.random.int(256); break
        case 1: out.splice(at, 0, this.random.int(256)); break
        case 2: out.splice(at, 1); break
        default: out.length = at
      }
    }
    return Uint8Array.from(out)
  }

  /** Random bytes, four from each draw of a 32-bit xorshift seeded from the run's generator. */
  private bytes (length: number): Uint8Array {
    const out = new Uint8Array(length)
    let state = (this.random.next() * 4294967296) >>> 0 || 1
    for (let i = 0; i < length; i += 4) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (state >>> (j * 8)) & 0xff
    }
    return out
  }
}
