/**
 * How fast blocks go into the filesystem store, against the memory store in the same round: blocks/s for 1 KiB
 * and 1 MiB blocks, written the way a fetching node writes them (one `put` per block, many at once) and through
 * `putMany`. Prints per-round ratios and their medians; numbers from a shared machine are noisy. The LevelDB store
 * runs beside them in each round, for comparison (`--no-level` leaves it out).
 *
 *   npm run bench:store [-- --rounds 5] [-- --no-level]
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { fsBlockstore } from '../fs-blockstore.js'
import { levelBlockstore } from '../level-blockstore.js'
import { memoryBlockstore } from '../memory-blockstore.js'
import type { Blockstore } from 'interface-blockstore'

interface Block { cid: CID, bytes: Uint8Array }
interface Case { label: string, size: number, count: number }
type Writer = (store: Blockstore, blocks: readonly Block[]) => Promise<void>

const KIB = 1024
const CASES: Case[] = [
  { label: '1 KiB', size: KIB, count: 10_000 },
  { label: '1 MiB', size: 1024 * KIB, count: 200 }
]

/** Every block put at once, as a client does with the blocks of the messages it receives. */
const concurrentPuts: Writer = async (store, blocks) => {
  await Promise.all(blocks.map(async ({ cid, bytes }) => store.put(cid, bytes)))
}

const putMany: Writer = async (store, blocks) => {
  for await (const _ of store.putMany(blocks)) { /* drain */ }
}

const WRITERS: Array<[string, Writer]> = [['put x N at once', concurrentPuts], ['putMany', putMany]]

async function makeBlocks (size: number, count: number): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async () => {
    const bytes = new Uint8Array(randomBytes(size))
    return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
  }))
}

/** Blocks per second into a fresh store (a fresh directory for the fs store, removed afterwards). */
async function rate (kind: 'fs' | 'memory' | 'level', blocks: readonly Block[], write: Writer): Promise<number> {
  const dir = kind !== 'memory' ? await mkdtemp(join(tmpdir(), 'swapwright-bench-store-')) : undefined
  let store: Blockstore = memoryBlockstore()
  let close = async (): Promise<void> => {}
  if (dir != null) {
    const onDisk = kind === 'fs' ? fsBlockstore(dir) : levelBlockstore(dir)
    await onDisk.open()
    store = onDisk
    close = async () => { await onDisk.close() }
  }
  try {
    const started = performance.now()
    await write(store, blocks)
    return blocks.length / ((performance.now() - started) / 1000)
  } finally {
    await close()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  }
}

function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'no-level': { type: 'boolean', default: false } } })
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new TypeError(`--rounds: "${values.rounds}" is not a positive whole number`)

console.log(`store bench: ${rounds} rounds, fs store at ${tmpdir()} (shared machine: expect noise)\n`)
for (const { label, size, count } of CASES) {
  const blocks = await makeBlocks(size, count)
  for (const [how, write] of WRITERS) {
    const fs: number[] = []
    const mem: number[] = []
    const level: number[] = []
    const ratios: number[] = []
    for (let round = 0; round < rounds; round++) {
      mem.push(await rate('memory', blocks, write))
      fs.push(await rate('fs', blocks, write))
      if (!values['no-level']) level.push(await rate('level', blocks, write))
      ratios.push(fs[round] / mem[round])
    }
    console.log(`${label} x ${count}, ${how}: fs ${fmt(median(fs))} blocks/s (${fmt(Math.min(...fs))}-${fmt(Math.max(...fs))}), ` +
      `memory ${fmt(median(mem))} blocks/s; fs/memory median ${median(ratios).toFixed(3)} ` +
      `(${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})` +
      (level.length > 0 ? `; level ${fmt(median(level))} blocks/s (${fmt(Math.min(...level))}-${fmt(Math.max(...level))})` : ''))
  }
}
