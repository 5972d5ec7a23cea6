import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { SeededRandom } from '@swapwright/core'

export interface TestBlock {
  cid: CID
  data: Uint8Array
}

/** `count` raw blocks of `size` bytes with reproducible, distinct contents. */
export async function makeBlocks (count: number, size: number, seed = 1): Promise<TestBlock[]> {
  const random = new SeededRandom(seed)
  const blocks: TestBlock[] = []
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(size)
    const words = new Uint32Array(data.buffer, 0, size >>> 2)
    for (let j = 0; j < words.length; j++) words[j] = random.next() * 4294967296
    for (let j = words.length * 4; j < size; j++) data[j] = random.int(256)
    blocks.push({ cid: CID.createV1(raw.code, await sha256.digest(data)), data })
  }
  return blocks
}

/** Blocks under CIDv0 (dag-pb, sha2-256): the only kind a 1.0.0 peer can exchange. The bytes are opaque here. */
export async function makeV0Blocks (count: number, size: number, seed = 1): Promise<TestBlock[]> {
  const blocks = await makeBlocks(count, size, seed)
  return Promise.all(blocks.map(async ({ data }) => ({ cid: CID.createV0(await sha256.digest(data)), data })))
}
