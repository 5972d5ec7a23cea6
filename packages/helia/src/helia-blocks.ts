import type { Blocks } from '@helia/interface'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * Helia's blockstore as the Swapwright node sees it: reads are local only (never a network fetch through the
 * brokers, which would be this node asking itself), and writes are left to Helia.
 *
 * Helia stores every block a broker returns and then calls the broker's `announce`; that call is what tells
 * the node's server a block is there for peers waiting on it. Storing it here too would write each block
 * twice, and would bypass Helia's garbage-collection lock.
 */
export class HeliaBlockView implements Blockstore {
  private readonly blocks: Blocks

  constructor (blocks: Blocks) {
    this.blocks = blocks
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    return this.blocks.has(cid, options)
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    yield * this.blocks.get(cid, { ...options, offline: true })
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    yield * this.blocks.getMany(source, { ...options, offline: true })
  }

  async put (cid: CID): Promise<CID> {
    return cid
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>): AsyncGenerator<CID> {
    for await (const { cid } of source) yield cid
  }

  /** The node never deletes; Helia owns the blocks. */
  async delete (): Promise<void> {}

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>): AsyncGenerator<CID> {
    yield * source
  }

  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    yield * this.blocks.getAll(options)
  }
}
