import type { AbortOptions } from '@swapwright/core'
import type { CID } from 'multiformats/cid'

/** The part of a session a fetch pattern uses. */
export interface FetchSession {
  getBlock(cid: CID, options?: AbortOptions): Promise<Uint8Array>
  getBlocks(cids: Iterable<CID>, options?: AbortOptions): AsyncIterable<{ cid: CID, bytes: Uint8Array }>
}

/** How an application asks one session for a file's blocks. */
export interface FetchPattern {
  readonly name: string
  fetch(session: FetchSession, cids: readonly CID[]): Promise<void>
}

/** Waits for every block of one `getBlocks` call. */
async function batch (session: FetchSession, cids: readonly CID[]): Promise<void> {
  for await (const _ of session.getBlocks(cids)) {
    // the blocks themselves are not needed: the client verified each against its CID
  }
}

/** Consecutive slices of `size`. */
function chunks<T> (items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** One block after another, each awaited before the next is asked for. */
export const oneAtATime: FetchPattern = {
  name: 'oneAtATime',
  fetch: async (session, cids) => {
    for (const cid of cids) await session.getBlock(cid)
  }
}

/** Batches of ten, one batch after another. */
export const batchFetchBy10: FetchPattern = {
  name: 'batchFetchBy10',
  fetch: async (session, cids) => {
    for (const group of chunks(cids, 10)) await batch(session, group)
  }
}

/** Every block asked for at once, each by its own call. */
export const fetchAllConcurrent: FetchPattern = {
  name: 'fetchAllConcurrent',
  fetch: async (session, cids) => {
    await Promise.all(cids.map(async cid => session.getBlock(cid)))
  }
}

/** Every block in one batch. */
export const batchFetchAll: FetchPattern = {
  name: 'batchFetchAll',
  fetch: async (session, cids) => { await batch(session, cids) }
}

/** A file's walk: the root, then the next ten, then everything else. */
export const unixfsFileFetch: FetchPattern = {
  name: 'unixfsFileFetch',
  fetch: async (session, cids) => {
    await session.getBlock(cids[0])
    await batch(session, cids.slice(1, 11))
    await batch(session, cids.slice(11))
  }
}

/** A large file's walk: root, 10, 89, then the rest in rounds of five concurrent batches of ten. */
export const unixfsFileFetchLarge: FetchPattern = {
  name: 'unixfsFileFetchLarge',
  fetch: async (session, cids) => {
    await session.getBlock(cids[0])
    await batch(session, cids.slice(1, 11))
    await batch(session, cids.slice(11, 100))
    for (const round of chunks(chunks(cids.slice(100), 10), 5)) {
      await Promise.all(round.map(async group => { await batch(session, group) }))
    }
  }
}

export const FETCH_PATTERNS = { oneAtATime, batchFetchBy10, fetchAllConcurrent, batchFetchAll, unixfsFileFetch, unixfsFileFetchLarge } as const
export type FetchPatternName = keyof typeof FETCH_PATTERNS
