import { parseArgs } from 'node:util'
import { CliError, ExitCode } from '../errors.js'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import { addPath, DEFAULT_CHUNK_SIZE } from './add.js'
import type { Command } from '../command.js'

export const addCommand: Command = {
  name: 'add',
  help: `Usage: swapwright add <path>... [options]

Imports each path (a file or a directory tree) as UnixFS into the repository and prints its root CID.

Options:
  --repo DIR          repository directory (default ${DEFAULT_REPO})
  --chunk-size BYTES  chunk size (default ${DEFAULT_CHUNK_SIZE}, i.e. 1 MiB; CIDv1 with raw leaves)
  --kubo              Kubo's defaults instead: CIDv0, 256 KiB chunks, leaves wrapped in UnixFS
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
        json: { type: 'boolean', default: false }
      }
    })
    if (positionals.length === 0) throw new CliError('add needs at least one path (see swapwright add --help)', ExitCode.usage)
    const chunkSize = values['chunk-size'] == null ? undefined : Number(values['chunk-size'])
    if (chunkSize != null && (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > 2 * 1024 * 1024)) {
      throw new CliError('--chunk-size must be a whole number of bytes from 1 to 2097152', ExitCode.usage)
    }
    const repo = await openRepo(values.repo)
    try {
      for (const path of positionals) {
        const added = await addPath(path, repo.blockstore, { kubo: values.kubo, chunkSize })
        output.event('added', { path: added.path, cid: added.cid.toString(), size: Number(added.size) }, `added ${added.cid} ${added.path}`)
      }
    } finally {
      await repo.close()
    }
  }
}
