import * as dagPb from '@ipld/dag-pb'
import { IdentityBlockstore } from 'blockstore-core/identity'
import { errorMessage } from '@swapwright/core'
import * as raw from 'multiformats/codecs/raw'
import { CliError, ExitCode, fileError } from './errors.js'
import { exportDag } from './export-dag.js'
import { fetchDag } from './fetch-dag.js'
import { smallBlockHeapGrowth } from './heap-growth.js'
import { progressBar, progressFigures } from './progress.js'
import { fileRootEntry, readableRoot, type FileRootEntry } from './root-entry.js'
import { runFetch, type FetchInit, type Fetching } from './run-fetch.js'
import { StreamingFileWriter } from './streaming-file-writer.js'
import { writeToStdout } from './write-stdout.js'
import type { PeerReport } from './fetch-report.js'
import type { IpfsPath } from './ipfs-path.js'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'

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
  /** Bytes of the DAG's blocks: the file's bytes and the UnixFS nodes around them. */
  bytes: number
  /** Bytes of file content (the file's size; a directory's files are not added up), when a file was fetched. */
  fileBytes?: number
  /** Bytes of file content written out. */
  writtenBytes: number
  seconds: number
  /** Block bytes that came over the network this time (duplicates included), in MB/s: blocks already in the repository are not counted. */
  megabytesPerSecond: number
  duplicates: number
  /** Blocks that came over the network this time (the rest were already in the repository). */
  received: number
  /** Bytes of block data that came over the network this time, duplicates included. */
  receivedBytes: number
  /** What each peer did: blocks delivered, bytes, latency, presences. */
  providers: PeerReport[]
  /** The most resident memory this process has used so far, in bytes. */
  peakMemoryBytes: number
  /** Milliseconds from the start of the process to the first want handed to the network: the command's start-up. */
  firstWantMs: number
  /** CPU milliseconds (user and system) the process had used by its first want: the start-up's own cost, which a busy machine's waiting for a processor does not inflate. */
  firstWantCpuMs: number
}

/**
 * Fetches a UnixFS DAG (the one a path leads to) from the given peers into the repository, verified block by
 * block, then writes it out. Blocks already in the repository are not fetched again, so running it again after an
 * interruption resumes.
 */
export async function getDag (init: GetInit): Promise<GetSummary> {
  const { repo, output, signal } = init
  const bar = progressBar('fetching', !output.json)
  let lastReport = 0
  // A file is written while its blocks arrive; a directory, or stdout, from the repository after the fetch.
  let streaming: StreamingFileWriter | undefined
  const fetched = await runFetch({ ...init, cid: init.path.cid }, async fetching => {
    // the transfer's time: from the peers connected to the last block; performance.now() counts from the
    // start of the process, so it is also how long the command took to get going
    const started = performance.now()
    const log = fetching.node.libp2p.logger.forComponent('swapwright:cli:get')
    const target = await resolveTarget(init.path, fetching)
    if (init.out === STDOUT && target.type === 'directory') {
      throw new CliError(`${init.path.text} is a directory: only a file can go to stdout (ls lists it)`, ExitCode.usage)
    }
    // Once the root is known, so is the DAG's size: the root's links carry the sizes of the subtrees.
    const total = dagSize(target)
    const wire = fetching.node.counters.total
    log('%s resolves to %c, a %s: %s DAG bytes, %s file bytes', init.path.text, target.cid, target.type, total ?? 'unknown', target.type === 'directory' ? 'unknown' : Number(target.size))
    // (undefined when the output is a device, a pipe or anything else a rename would replace)
    if (init.out !== STDOUT && isPlainFile(target)) {
      streaming = await StreamingFileWriter.open(init.out, target.cid, Number(target.size)).catch(err => { throw fileError(err, init.out) })
    }
    // the story at debug level: a line at every tenth of the DAG
    let nextTenth = 1
    const heapGrowth = smallBlockHeapGrowth()
    try {
      const progress = await fetchDag(fetching.session, target.cid, (p, cid, bytes, node) => {
        fetching.touch()
        heapGrowth(p)
        // Only bytes that came over the network make the rate: a resumed fetch finds the rest on disk at once.
        const state = { done: p.bytes, total, moved: wire.blockBytesReceived, blocks: p.blocks, seconds: (performance.now() - started) / 1000 }
        bar.update(state)
        if (log.enabled && total != null && p.bytes >= total * nextTenth / 10) {
          log('%d%%: %d blocks, %d bytes, in %s s; %d bytes received over the network so far', Math.floor(p.bytes / total * 100), p.blocks, p.bytes, state.seconds.toFixed(2), wire.blockBytesReceived)
          while (p.bytes >= total * nextTenth / 10) nextTenth++
        }
        // Scripts see progress too, at most ten times a second.
        const now = performance.now()
        if (output.json && (p.blocks === 1 || now - lastReport >= 100)) {
          lastReport = now
          const figures = progressFigures(state)
          output.event('progress', {
            blocks: p.blocks,
            bytes: p.bytes,
            ...(figures.total == null ? {} : { total: figures.total, percent: figures.percent }),
            receivedBytes: wire.blockBytesReceived,
            seconds: Math.floor(state.seconds * 100) / 100,
            bytesPerSecond: Math.round(figures.bytesPerSecond),
            ...(figures.etaSeconds == null ? {} : { etaSeconds: Math.round(figures.etaSeconds * 10) / 10 })
          })
        }
        return streaming?.add(cid, bytes, node)
      }, fetching.signal, fetching.carriable)
      const { duplicateBlocks, blocksReceived } = fetching.session.stats()
      log('fetched all %d blocks (%d over the network, %d duplicates) in %s s', progress.blocks, blocksReceived, duplicateBlocks, ((performance.now() - started) / 1000).toFixed(2))
      return {
        ...progress,
        target: target.cid,
        fileBytes: target.type === 'file' || target.type === 'raw' ? Number(target.size) : undefined,
        seconds: (performance.now() - started) / 1000,
        duplicates: duplicateBlocks,
        received: blocksReceived,
        receivedBytes: wire.blockBytesReceived,
        providers: fetching.report.providers(),
        firstWantMs: fetching.firstWantAt() ?? started,
        firstWantCpuMs: fetching.firstWantCpu() ?? 0
      }
    } finally {
      bar.stop()
    }
  }).catch(async err => {
    // a get that failed or was interrupted leaves nothing beside the output
    await streaming?.abandon()
    throw err
  })
  // a fetch that ended just as a write failed must not go on to export a DAG with blocks missing
  if (repo.writeFailed.aborted) await streaming?.abandon()
  repo.writeFailed.throwIfAborted()
  // Inlined blocks (`ipfs add --inline`) live in their identity CIDs, never in the repository.
  const local = new IdentityBlockstore(repo.blockstore)
  let writtenBytes = await finishStreaming(streaming, local, init.out, signal)
  if (writtenBytes == null) {
    // The node is stopped by now: the network's buffers and connections are let go of before the file is written.
    const writing = progressBar('writing', !output.json)
    const writeStarted = performance.now()
    const onWritten = (written: number): void => {
      writing.update({ done: written, total: fetched.fileBytes, seconds: (performance.now() - writeStarted) / 1000 })
    }
    try {
      writtenBytes = init.out === STDOUT
        ? await writeToStdout(fetched.target, local, signal, onWritten)
        : await exportDag(fetched.target, local, init.out, signal, onWritten)
    } finally {
      writing.stop()
    }
  }
  return {
    cid: fetched.target.toString(),
    out: init.out,
    blocks: fetched.blocks,
    bytes: fetched.bytes,
    ...(fetched.fileBytes == null ? {} : { fileBytes: fetched.fileBytes }),
    writtenBytes,
    seconds: fetched.seconds,
    megabytesPerSecond: fetched.receivedBytes / 1e6 / Math.max(fetched.seconds, 1e-6),
    duplicates: fetched.duplicates,
    received: fetched.received,
    receivedBytes: fetched.receivedBytes,
    providers: fetched.providers,
    // maxRSS is in KiB
    peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
    firstWantMs: Math.round(fetched.firstWantMs),
    firstWantCpuMs: Math.round(fetched.firstWantCpuMs)
  }
}

/** A UnixFS file of bytes (not a symbolic link, which is recreated as a link): written while it arrives. */
function isPlainFile (entry: FileRootEntry | UnixFSEntry): boolean {
  return entry.type === 'raw' || (entry.type === 'file' && (entry.unixfs.type === 'file' || entry.unixfs.type === 'raw'))
}

/**
 * The file written while it arrived, completed and renamed into place: its bytes, or undefined when it has to
 * be written from the repository instead (nothing streamed, or blocks that could not be placed as they came).
 */
async function finishStreaming (streaming: StreamingFileWriter | undefined, blockstore: IdentityBlockstore, out: string, signal: AbortSignal): Promise<number | undefined> {
  if (streaming == null) return undefined
  try {
    return await streaming.finish(blockstore, signal)
  } catch (err) {
    await streaming.abandon()
    if (signal.aborted) throw err
    throw fileError(err, out)
  }
}

/**
 * The bytes of the DAG under `entry`: its own block and the sizes its links declare for the subtrees (Tsize, as
 * every UnixFS importer writes it). Undefined when a link leaves its size out.
 */
export function dagSize (entry: FileRootEntry | UnixFSEntry): number | undefined {
  if (entry.cid.code === raw.code) return Number(entry.size)
  if (entry.cid.code !== dagPb.code || entry.node instanceof Uint8Array) return undefined
  let total = dagPb.encode(entry.node).byteLength
  for (const link of entry.node.Links) {
    if (link.Tsize == null) return undefined
    total += link.Tsize
  }
  return total
}

/**
 * The entry a get fetches: a file's root read from its own block (the first want goes out before the exporter
 * is loaded, and a file's get never loads it), else what the exporter resolves.
 */
async function resolveTarget (path: IpfsPath, fetching: Fetching): Promise<FileRootEntry | UnixFSEntry> {
  if (path.segments.length === 0 && readableRoot(path.cid)) {
    for await (const block of fetching.blocks.get(path.cid, { signal: fetching.signal })) {
      const entry = fileRootEntry(path.cid, block)
      if (entry != null) return entry
    }
  }
  return resolve(path, fetching)
}

/** The entry a path leads to, fetching only the blocks on the way (directory shards included). */
export async function resolve (path: IpfsPath, fetching: Fetching): Promise<UnixFSEntry> {
  try {
    const { exporter } = await import('ipfs-unixfs-exporter')
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
