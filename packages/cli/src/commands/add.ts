import { createReadStream } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { basename, join, relative, resolve, sep } from 'node:path'
import { importer, type ImportCandidate, type ImporterOptions } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { fileError } from '../errors.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Default chunk size of `add`: 1 MiB, the largest the UnixFS guidance recommends. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024

/**
 * Kubo's import profiles, each reproducing the CIDs Kubo gives the same files: `unixfs-v0-2015` (CIDv0, 256 KiB
 * chunks, leaves wrapped in UnixFS, 174 links per node) and `unixfs-v1-2025` (CIDv1, raw leaves, 1 MiB chunks,
 * 1024 links per node, directories sharded by their size in bytes).
 */
export const PROFILES = ['unixfs-v0-2015', 'unixfs-v1-2025'] as const
export type Profile = typeof PROFILES[number]

export interface AddOptions {
  /** Kubo's defaults (CIDv0, 256 KiB chunks, leaves wrapped in UnixFS) instead of CIDv1, raw leaves, 1 MiB. */
  kubo?: boolean
  /** One of Kubo's import profiles; `kubo` is `unixfs-v0-2015`. */
  profile?: Profile
  /** Chunk size in bytes for the default layout. */
  chunkSize?: number
  /** Hears the bytes of file content read so far, as the import goes. */
  onRead?: (bytes: number) => void
}

export interface Added {
  path: string
  cid: CID
  /** Bytes of file content (0 for directories). */
  size: bigint
}

/** Imports a file or a directory tree as UnixFS into `blockstore` and returns its root. */
export async function addPath (path: string, blockstore: Blockstore, options: AddOptions = {}): Promise<Added> {
  const absolute = resolve(path)
  let info
  try {
    info = await lstat(absolute)
  } catch (err) {
    throw fileError(err, path)
  }
  const name = basename(absolute)
  const profile = options.profile ?? (options.kubo === true ? 'unixfs-v0-2015' : undefined)
  const importerOptions: ImporterOptions = profile != null
    ? { profile }
    : { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE }) }
  const counted = { bytes: 0, onRead: options.onRead }
  const source = info.isDirectory()
    ? walk(absolute, name, counted)
    : info.isSymbolicLink() ? [{ path: name, link: await readlink(absolute) }] : [{ path: name, content: read(absolute, counted) }]
  let root: Added | undefined
  try {
    for await (const entry of importer(source, blockstore, importerOptions)) {
      if (entry.path === name) root = { path: name, cid: entry.cid, size: entry.size }
    }
  } catch (err) {
    throw fileError(err, (err as { path?: string }).path ?? path)
  }
  if (root == null) throw fileError(new Error('nothing was imported'), path)
  return root
}

/**
 * The tree under `dir` as import candidates named `prefix/...`. A symbolic link is stored as a UnixFS symlink
 * (its target as text, never followed), as Kubo stores it, so the root CID is the one Kubo gives the tree.
 */
async function * walk (dir: string, prefix: string, counted: Counted): AsyncGenerator<ImportCandidate> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => a.name.localeCompare(b.name))
  if (entries.length === 0) yield { path: prefix }
  for (const entry of entries) {
    const absolute = join(dir, entry.name)
    const path = [prefix, ...relative(dir, absolute).split(sep)].join('/')
    if (entry.isDirectory()) yield * walk(absolute, path, counted)
    else if (entry.isFile()) yield { path, content: read(absolute, counted) }
    else if (entry.isSymbolicLink()) yield { path, link: await readlink(absolute) }
  }
}

/** Bytes read so far over all files of an import, and who hears of them. */
interface Counted {
  bytes: number
  onRead?: (bytes: number) => void
}

async function * read (path: string, counted: Counted): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path)) {
      counted.bytes += (chunk as Uint8Array).byteLength
      counted.onRead?.(counted.bytes)
      yield chunk as Uint8Array
    }
  } catch (err) {
    throw fileError(err, path)
  }
}

/** The bytes of file content under `path` (a file, or every file of a tree; links are not followed). */
export async function contentSize (path: string): Promise<number> {
  const info = await lstat(path)
  if (info.isFile()) return info.size
  if (!info.isDirectory()) return 0
  let total = 0
  for (const entry of await readdir(path)) total += await contentSize(join(path, entry))
  return total
}
