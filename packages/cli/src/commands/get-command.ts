import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CID } from 'multiformats/cid'
import { CliError, ExitCode } from '../errors.js'
import { getDag } from '../get-dag.js'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import type { Command } from '../command.js'

/** `get` gives up when no block arrives for this long (seconds). */
export const DEFAULT_IDLE_TIMEOUT = 60
/** How long `get` tries to reach each peer (seconds). */
export const DEFAULT_DIAL_TIMEOUT = 10

export const getCommand: Command = {
  name: 'get',
  summary: 'fetch a file or directory by CID from peers, verifying every block',
  help: `Usage: swapwright get <cid> --peer ADDR [--peer ADDR]... [options]

Fetches the DAG under <cid> through one session (the children of each level at once), verifies every block,
stores it in the repository and writes the file or directory out. Interrupted, it keeps what it has: run it
again to resume.

Options:
  --peer ADDR          multiaddr of a peer holding the data, ending in /p2p/<peer id>; repeat for several
  -o, --output PATH    where to write (default ./<cid>)
  --repo DIR           repository directory (default ${DEFAULT_REPO})
  --idle-timeout SEC   give up when no block arrives for this long (default ${DEFAULT_IDLE_TIMEOUT})
  --dial-timeout SEC   how long to try each peer (default ${DEFAULT_DIAL_TIMEOUT})
  --json               one JSON object per line, each with an "event" field
  -h, --help           this help

Exit codes: 0 done, 1 failed, 2 bad arguments (e.g. not a CID), 4 a peer cannot be reached, 5 disk full,
130 interrupted.`,
  async run (argv, output, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        peer: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        repo: { type: 'string', default: DEFAULT_REPO },
        'idle-timeout': { type: 'string', default: String(DEFAULT_IDLE_TIMEOUT) },
        'dial-timeout': { type: 'string', default: String(DEFAULT_DIAL_TIMEOUT) },
        json: { type: 'boolean', default: false }
      }
    })
    if (positionals.length !== 1) throw new CliError('get takes exactly one CID (see swapwright get --help)', ExitCode.usage)
    let cid: CID
    try {
      cid = CID.parse(positionals[0])
    } catch (err) {
      throw new CliError(`Not a valid CID: ${positionals[0]}`, ExitCode.usage, { cause: err })
    }
    const peers = values.peer ?? []
    if (peers.length === 0) {
      throw new CliError('get needs at least one --peer; finding providers through the DHT is not available in this version', ExitCode.usage)
    }
    const idleTimeout = seconds(values['idle-timeout'], '--idle-timeout')
    const dialTimeout = seconds(values['dial-timeout'], '--dial-timeout')
    const repo = await openRepo(values.repo)
    try {
      const out = resolve(values.output ?? cid.toString())
      const summary = await getDag({ cid, peers, repo, out, output, signal, idleTimeout, dialTimeout })
      output.event('done', { ...summary }, `fetched ${summary.cid} to ${summary.out}: ${summary.bytes} bytes in ${summary.blocks} blocks, ` +
        `${summary.seconds.toFixed(2)} s, ${summary.megabytesPerSecond.toFixed(1)} MB/s, ${summary.duplicates} duplicates`)
    } finally {
      await repo.close()
    }
  }
}

function seconds (value: string, name: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${name} must be a positive number of seconds`, ExitCode.usage)
  return n * 1000
}
