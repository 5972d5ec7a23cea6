import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CID } from 'multiformats/cid'
import { DEFAULT_DHT_PROTOCOL, DEFAULT_FIND_TIMEOUT, PUBLIC_DHT_PROTOCOL } from '../dht.js'
import { DHT_OPTIONS, parseDhtOptions } from '../dht-options.js'
import { DEFAULT_NOT_FOUND_TIMEOUT } from '../constants.js'
import { CliError, ExitCode } from '../errors.js'
import { FIND_RETRY_DELAY } from '../find-provider.js'
import { getDag } from '../get-dag.js'
import { parsePeerAddress } from '../reach.js'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import { seconds } from '../seconds.js'
import type { Command } from '../command.js'

/** `get` gives up when no block arrives for this long (seconds). */
export const DEFAULT_IDLE_TIMEOUT = 60
/** How long `get` tries to reach each peer (seconds). */
export const DEFAULT_DIAL_TIMEOUT = 10

export const getCommand: Command = {
  name: 'get',
  summary: 'fetch a file or directory by CID from peers or the DHT, verifying every block',
  help: `Usage: swapwright get <cid> --peer ADDR [--peer ADDR]... [options]
       swapwright get <cid> --bootstrap ADDR [--bootstrap ADDR]... [options]
       swapwright get <cid> --public [options]

Fetches the DAG under <cid> through one session (the children of each level at once), verifies every block,
stores it in the repository and writes the file or directory out. Interrupted, it keeps what it has: run it
again to resume.

Without --peer it finds a provider of <cid> on a Kademlia DHT, as a client (it answers no DHT queries and
announces nothing), joined through the --bootstrap peers; the session keeps looking for more providers there
while it fetches. Unless --public is given that is a DHT of Swapwright nodes only, speaking
${DEFAULT_DHT_PROTOCOL} and keeping every address its peers give (loopback, LAN or public), as run by
swapwright serve --dht on your own machines. Only --public joins the public IPFS DHT (${PUBLIC_DHT_PROTOCOL},
private addresses dropped, its well-known bootstrap peers dialled).

Options:
  --peer ADDR          multiaddr of a peer holding the data, ending in /p2p/<peer id>; repeat for several
  --bootstrap ADDR     multiaddr of a DHT peer to join through (e.g. a swapwright serve --dht), ending in
                       /p2p/<peer id>; repeat for several. Every one that cannot be reached or does not run the
                       DHT is skipped; none left is exit 4
  --public             use the public IPFS DHT and its bootstrap peers
  --dht-protocol NAME  DHT protocol of a DHT of your own (default ${DEFAULT_DHT_PROTOCOL}); not with --public
  --find-timeout SEC   how long to look for a provider on the DHT, looking again ${FIND_RETRY_DELAY / 1000} s after each lookup
                       that found none (default ${DEFAULT_FIND_TIMEOUT})
  -o, --output PATH    where to write (default ./<cid>)
  --repo DIR           repository directory (default ${DEFAULT_REPO})
  --idle-timeout SEC   give up when no block arrives for this long (default ${DEFAULT_IDLE_TIMEOUT})
  --dial-timeout SEC   how long to try each peer, bootstrap peer or provider, dialling again with a growing
                       pause while it refuses or resets the connection (default ${DEFAULT_DIAL_TIMEOUT})
  --not-found-timeout SEC
                       give up this long after every peer answered DONT_HAVE for a block (default
                       ${DEFAULT_NOT_FOUND_TIMEOUT}); with a DHT, after --find-timeout without a provider that has it
  --json               one JSON object per line, each with an "event" field ("provider": the one the DHT named)
  -h, --help           this help

Of several --peer, those that cannot be reached are skipped with a warning; the fetch goes on from the others.

Exit codes: 0 done, 1 failed, 2 bad arguments (e.g. not a CID or multiaddr, or none of --peer, --bootstrap,
--public), 3 the folder of -o does not exist, or no peer has the data (each answered DONT_HAVE), 4 no --peer
or no bootstrap peer can be reached, or the DHT names no reachable provider in time, 5 disk full, 130
interrupted.`,
  async run (argv, output, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        peer: { type: 'string', multiple: true },
        ...DHT_OPTIONS,
        'find-timeout': { type: 'string', default: String(DEFAULT_FIND_TIMEOUT) },
        output: { type: 'string', short: 'o' },
        repo: { type: 'string', default: DEFAULT_REPO },
        'idle-timeout': { type: 'string', default: String(DEFAULT_IDLE_TIMEOUT) },
        'dial-timeout': { type: 'string', default: String(DEFAULT_DIAL_TIMEOUT) },
        'not-found-timeout': { type: 'string', default: String(DEFAULT_NOT_FOUND_TIMEOUT) },
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
    // Every argument is checked before any work starts: a mistake costs no fetch.
    const peers = (values.peer ?? []).map(parsePeerAddress)
    const dht = parseDhtOptions(values, { server: false, always: false })
    if (peers.length === 0 && dht == null) {
      throw new CliError('get needs somewhere to look: --peer ADDR (a peer holding the data), --bootstrap ADDR ' +
        '(a DHT peer, e.g. a swapwright serve --dht) or --public (the public IPFS DHT)', ExitCode.usage)
    }
    const idleTimeout = seconds(values['idle-timeout'], '--idle-timeout')
    const dialTimeout = seconds(values['dial-timeout'], '--dial-timeout')
    const findTimeout = seconds(values['find-timeout'], '--find-timeout')
    const notFoundTimeout = dht == null ? seconds(values['not-found-timeout'], '--not-found-timeout') : findTimeout
    const out = resolve(values.output ?? cid.toString())
    await checkOutputFolder(out)
    const repo = await openRepo(values.repo)
    try {
      const summary = await getDag({ cid, peers, repo, out, output, signal, idleTimeout, dialTimeout, dht, findTimeout, notFoundTimeout })
      output.event('done', { ...summary }, `fetched ${summary.cid} to ${summary.out}: ${summary.bytes} bytes in ${summary.blocks} blocks, ` +
        `${summary.seconds.toFixed(2)} s, ${summary.megabytesPerSecond.toFixed(1)} MB/s, ${summary.duplicates} duplicates, ` +
        `peak memory ${(summary.peakMemoryBytes / 2 ** 20).toFixed(0)} MiB`)
    } finally {
      await repo.close()
    }
  }
}

/** The folder `out` goes into must exist already: found missing after the fetch, it would waste the fetch. */
async function checkOutputFolder (out: string): Promise<void> {
  const folder = dirname(out)
  let info
  try {
    info = await stat(folder)
  } catch (err) {
    throw new CliError(`No such folder for the output: ${folder}`, ExitCode.notFound, { cause: err })
  }
  if (!info.isDirectory()) throw new CliError(`Not a folder, so the output cannot go there: ${folder}`, ExitCode.notFound)
}
