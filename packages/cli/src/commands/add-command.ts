import { parseArgs } from 'node:util'
import { CliError, ExitCode } from '../errors.js'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import { addWithProgress } from '../add-progress.js'
import { humanBytes, humanDuration, humanRate } from '../units.js'
import { DEFAULT_CHUNK_SIZE, PROFILES, type Profile } from './add.js'
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
      for (const path of positionals) {
        const added = await addWithProgress(path, repo.blockstore, { profile, chunkSize }, output)
        output.event('added', { path: added.path, cid: added.cid.toString(), size: Number(added.size), bytesRead: added.bytesRead, seconds: added.seconds },
          `added ${added.cid} ${added.path} (${humanBytes(added.bytesRead)} in ${humanDuration(added.seconds)}, ${humanRate(added.bytesRead, added.seconds)})`)
      }
    } finally {
      await repo.close()
    }
  }
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
