import { FETCH_OPTIONS_HELP, PATH_FORMS, parseFetchArgs } from '../fetch-options.js'
import { listDag } from '../list-dag.js'
import { openRepo } from '../repo.js'
import type { Command } from '../command.js'

export const lsCommand: Command = {
  name: 'ls',
  help: `Usage: swapwright ls ${PATH_FORMS} --peer ADDR [--peer ADDR]... [options]

Lists the UnixFS directory at <cid> (or at the path below it), one line per entry: its CID, its size in bytes
and its name (a directory's ends in /). Only the directory's own blocks and the first block of each entry are
fetched; they stay in the repository. A file lists as itself.

Options:
${FETCH_OPTIONS_HELP}
  --json               one JSON object per entry: {"event":"entry","name","cid","type","size"}
  -h, --help           this help

Exit codes as for get.`,
  async run (argv, output, signal) {
    const args = parseFetchArgs(argv, 'ls')
    const repo = await openRepo(args.repo)
    try {
      for (const entry of await listDag({ ...args, repo, output, signal })) {
        output.event('entry', { ...entry }, `${entry.cid} ${entry.size} ${entry.name}${entry.type === 'directory' ? '/' : ''}`)
      }
    } finally {
      await repo.close()
    }
  }
}
