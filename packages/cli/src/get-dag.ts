import { IdentityBlockstore } from 'blockstore-core/identity'
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import { errorMessage } from '@swapwright/core'
import { CliError, ExitCode } from './errors.js'
import { exportDag } from './export-dag.js'
import { fetchDag } from './fetch-dag.js'
import { progressBar } from './progress.js'
import { runFetch, type FetchInit, type Fetching } from './run-fetch.js'
import { writeToStdout } from './write-stdout.js'
import type { IpfsPath } from './ipfs-path.js'

/** `-o -`: the file's bytes go to stdout. */
export const STDOUT = '-'

export interface GetInit extends Omit<FetchInit, 'cid'> {
  /** What to fetch: a CID, or a path below one. */
  path: IpfsPath
  /** Where to write: a path, or `STDOUT`. */
  out: string
}

export interface GetSummary {
  cid: string
  out: string
  blocks: number
  bytes: number
  seconds: number
  megabytesPerSecond: number
  duplicates: number
  /** Blocks that came over the network this time (the rest were already in the repository). */
  received: number
  /** The most resident memory this process has used so far, in bytes. */
  peakMemoryBytes: number
  /** Milliseconds from the start of the process to the first want handed to the session: the command's start-up. */
  firstWantMs: number
}

/**
 * Fetches a UnixFS DAG (the one a path leads to) from the given peers into the repository, verified block by
 * block, then writes it out. Blocks already in the repository are not fetched again, so running it again after an
 * interruption resumes.
 */
export async function getDag (init: GetInit): Promise<GetSummary> {
  const { repo, output, signal } = init
  const bar = progressBar(!output.json)
  let lastReport = 0
  const fetched = await runFetch({ ...init, cid: init.path.cid }, async fetching => {
    // the transfer's time: from the peers connected to the last block; performance.now() counts from the
    // start of the process, so it is also how long the command took to get going
    const started = performance.now()
    const target = await resolve(init.path, fetching)
    if (init.out === STDOUT && target.type === 'directory') {
      throw new CliError(`${init.path.text} is a directory: only a file can go to stdout (ls lists it)`, ExitCode.usage)
    }
    try {
      const progress = await fetchDag(fetching.session, target.cid, p => {
        fetching.touch()
        bar.update(p.blocks, p.bytes)
        // Scripts see progress too, at most ten times a second.
        const now = performance.now()
        if (output.json && (p.blocks === 1 || now - lastReport >= 100)) {
          lastReport = now
          output.event('progress', { blocks: p.blocks, bytes: p.bytes })
        }
      }, fetching.signal, fetching.carriable)
      const { duplicateBlocks, blocksReceived } = fetching.session.stats()
      return { ...progress, target: target.cid, seconds: (performance.now() - started) / 1000, duplicates: duplicateBlocks, received: blocksReceived, firstWantMs: started }
    } finally {
      bar.stop()
    }
  })
  // a fetch that ended just as a write failed must not go on to export a DAG with blocks missing
  repo.writeFailed.throwIfAborted()
  // The node is stopped by now: the network's buffers and connections are let go of before the file is written.
  // Inlined blocks (`ipfs add --inline`) live in their identity CIDs, never in the repository.
  const local = new IdentityBlockstore(repo.blockstore)
  if (init.out === STDOUT) await writeToStdout(fetched.target, local, signal)
  else await exportDag(fetched.target, local, init.out, signal)
  return {
    cid: fetched.target.toString(),
    out: init.out,
    blocks: fetched.blocks,
    bytes: fetched.bytes,
    seconds: fetched.seconds,
    megabytesPerSecond: fetched.bytes / 1e6 / Math.max(fetched.seconds, 1e-6),
    duplicates: fetched.duplicates,
    received: fetched.received,
    // maxRSS is in KiB
    peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
    firstWantMs: Math.round(fetched.firstWantMs)
  }
}

/** The entry a path leads to, fetching only the blocks on the way (directory shards included). */
export async function resolve (path: IpfsPath, fetching: Fetching): Promise<UnixFSEntry> {
  try {
    return await exporter(path.text, fetching.blocks, { signal: fetching.signal })
  } catch (err) {
    if (fetching.signal.aborted) throw err
    const code = (err as { name?: string, code?: string }).name ?? ''
    if (/NotFound|NoResolver|NotUnixFS/i.test(`${code} ${(err as { code?: string }).code ?? ''}`)) {
      throw new CliError(`No such path: ${path.text} (${errorMessage(err)})`, ExitCode.notFound, { cause: err })
    }
    throw err
  }
}
