import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import { resolve } from './get-dag.js'
import { runFetch, type FetchInit } from './run-fetch.js'
import type { IpfsPath } from './ipfs-path.js'

export interface ListInit extends Omit<FetchInit, 'cid'> {
  path: IpfsPath
}

export interface ListedEntry {
  name: string
  cid: string
  type: string
  /** Bytes of file content (0 for a directory). */
  size: number
}

/**
 * Lists a UnixFS directory (or the one file a path names), fetching only the directory's own blocks and the
 * first block of each entry, which says its type and size; the blocks stay in the repository.
 */
export async function listDag (init: ListInit): Promise<ListedEntry[]> {
  return runFetch({ ...init, cid: init.path.cid }, async fetching => {
    const target = await resolve(init.path, fetching)
    if (target.type !== 'directory') {
      return [{ name: target.name, cid: target.cid.toString(), type: kind(target), size: Number(target.size) }]
    }
    const children = []
    for await (const child of target.entries({ signal: fetching.signal })) children.push(child)
    // every entry's first block at once, through one session, instead of a round trip each
    for await (const _ of fetching.session.getBlocks(children.map(c => c.cid), { signal: fetching.signal })) fetching.touch()
    const listed: ListedEntry[] = []
    // already loaded by resolve(), which lists need
    const { exporter } = await import('ipfs-unixfs-exporter')
    for (const child of children) {
      const entry = await exporter(child.cid, fetching.blocks, { signal: fetching.signal })
      listed.push({ name: child.name, cid: child.cid.toString(), type: kind(entry), size: entry.type === 'directory' ? 0 : Number(entry.size) })
    }
    return listed
  })
}

/** What an entry is to a person: a raw block is a file whose bytes fit in one block; a symlink says so. */
function kind (entry: UnixFSEntry): string {
  if (entry.type === 'raw') return 'file'
  if (entry.type === 'file' && entry.unixfs.type === 'symlink') return 'symlink'
  return entry.type
}
