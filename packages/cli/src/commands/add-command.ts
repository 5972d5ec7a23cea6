import { parseArgs } from 'node:util'
import { CliError, ExitCode } from '../errors.js'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import { progressBar } from '../progress.js'
import { humanBytes, humanDuration, humanRate } from '../units.js'
import { addPath, contentSize, DEFAULT_CHUNK_SIZE, PROFILES, type Profile } from './add.js'
import type { Output } from '../output.js'
import type { Blockstore } from 'interface-blockstore'
import type { Command } from '../command.js'

export const addCommand: Command = {
  name: 'add',
  help: `Usage: swapwright add <path>... [options]

Imports each path (a file or a directory tree) as UnixFS into the repository and prints its root CID.

Options:
  --repo DIR          repository directory (default ${DEFAULT_REPO})
  --chunk-size BYTES  chunk size (default ${DEFAULT_CHUNK_SIZE}, i.e. 1 MiB; CIDv1 with raw leaves)
  --profile NAME      one of Kubo's import profiles, giving the CIDs Kubo gives: unixfs-v0-2015 (CIDv0, 256 KiB
                      chunks, leaves wrapped in UnixFS) or unixfs-v1-2025 (CIDv1, raw leaves, 1 MiB chunks, 1024
                      links per node)
  --kubo              the same as --profile unixfs-v0-2015 (Kubo's long-standing default)

Symbolic links are stored as UnixFS symlinks (their target, never followed), as Kubo stores them.
  --json              one JSON object per line, each with an "event" field
  -h, --help          this help`,
  async run (argv, output) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        repo: { type: 'string', default: DEFAULT_REPO },
        'chunk-size': { type: 'string' },
        kubo: { type: 'boolean', default: false },
        profile: { type: 'string' },
        json: { type: 'boolean', default: false }
      }
    })
    if (positionals.length === 0) throw new CliError('add needs at least one path (see swapwright add --help)', ExitCode.usage)
    const chunkSize = values['chunk-size'] == null ? undefined : Number(values['chunk-size'])
    if (chunkSize != null && (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > 2 * 1024 * 1024)) {
      throw new CliError('--chunk-size must be a whole number of bytes from 1 to 2097152', ExitCode.usage)
    }
    const profile = parseProfile(values.profile, values.kubo, chunkSize)
    const repo = await openRepo(values.repo)
    try {
      for (const path of positionals) await addShowingProgress(path, repo.blockstore, { profile, chunkSize }, output)
    } finally {
      await repo.close()
    }
  }
}

/**
 * Imports one path with a progress line on a terminal (total, percent, rate, ETA) and, with --json, progress
 * events from the first second on, at most ten a second; then the root, with the bytes and the time it took.
 */
async function addShowingProgress (path: string, blockstore: Blockstore, options: { profile?: Profile, chunkSize?: number }, output: Output): Promise<void> {
  const total = await contentSize(path).catch(() => undefined)
  const bar = progressBar(`adding ${path}`, !output.json)
  const started = performance.now()
  // Scripts get progress only from an add that takes a while: the first event after a second, then ten a second.
  let lastReport = started + 900
  let read = 0
  let added
  try {
    added = await addPath(path, blockstore, {
      ...options,
      onRead: bytes => {
        read = bytes
        const seconds = (performance.now() - started) / 1000
        bar.update({ done: bytes, total, seconds })
        const now = performance.now()
        if (output.json && now - lastReport >= 100) {
          lastReport = now
          output.event('progress', { path, bytes, ...(total == null ? {} : { total }) })
        }
      }
    })
  } finally {
    bar.stop()
  }
  const seconds = (performance.now() - started) / 1000
  // `read`: the content of every file of a tree, where the root's size is a file's only
  output.event('added', { path: added.path, cid: added.cid.toString(), size: Number(added.size), bytesRead: read, seconds },
    `added ${added.cid} ${added.path} (${humanBytes(read)} in ${humanDuration(seconds)}, ${humanRate(read, seconds)})`)
}

/** The import profile asked for: --profile, or --kubo for unixfs-v0-2015; neither goes with --chunk-size. */
export function parseProfile (profile: string | undefined, kubo: boolean, chunkSize?: number): Profile | undefined {
  if (profile != null && !(PROFILES as readonly string[]).includes(profile)) {
    throw new CliError(`--profile must be one of ${PROFILES.join(', ')}, got ${profile}`, ExitCode.usage)
  }
  if (profile != null && kubo && profile !== 'unixfs-v0-2015') throw new CliError('--kubo is --profile unixfs-v0-2015: give one of them', ExitCode.usage)
  const chosen = (profile as Profile | undefined) ?? (kubo ? 'unixfs-v0-2015' : undefined)
  if (chosen != null && chunkSize != null) throw new CliError(`--profile ${chosen} sets the chunk size itself; leave out --chunk-size`, ExitCode.usage)
  return chosen
}
