import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { DEFAULT_DHT_PROTOCOL, PUBLIC_DHT_PROTOCOL } from '../dht.js'
import { CliError, ExitCode } from '../errors.js'
import { FETCH_OPTIONS_HELP, PATH_FORMS, parseFetchArgs } from '../fetch-options.js'
import { getDag, STDOUT } from '../get-dag.js'
import { providerLines } from '../fetch-report.js'
import { openRepo } from '../repo.js'
import { summaryText } from '../summary-text.js'
import { humanBytes } from '../units.js'
import type { Command } from '../command.js'
import type { Output } from '../output.js'

export { DEFAULT_DIAL_TIMEOUT, DEFAULT_IDLE_TIMEOUT } from '../fetch-options.js'

export const getCommand: Command = {
  name: 'get',
  help: `Usage: swapwright get ${PATH_FORMS} --peer ADDR [--peer ADDR]... [options]
       swapwright get ${PATH_FORMS} --bootstrap ADDR [--bootstrap ADDR]... [options]
       swapwright get ${PATH_FORMS} --public [options]

Fetches the DAG under <cid> (or under the path below it: only the blocks on the way are fetched) through one
session (the children of each level at once), verifies every block, stores it in the repository and writes the
file or directory out. Interrupted, it keeps what it has: run it again to resume.

Without --peer it finds a provider of <cid> on a Kademlia DHT, as a client (it answers no DHT queries and
announces nothing), joined through the --bootstrap peers; the session keeps looking for more providers there
while it fetches. Unless --public is given that is a DHT of Swapwright nodes only, speaking
${DEFAULT_DHT_PROTOCOL} and keeping every address its peers give (loopback, LAN or public), as run by
swapwright serve --dht on your own machines. Only --public joins the public IPFS DHT (${PUBLIC_DHT_PROTOCOL},
private addresses dropped, its well-known bootstrap peers dialled).

Options:
  -o, --output PATH    where to write (default ./<cid>, or ./<last part of the path>); - for stdout (a file
                       only; every message then goes to stderr)
${FETCH_OPTIONS_HELP}
  --json               one JSON object per line, each with an "event" field ("provider": the one the DHT named;
                       "progress" with total, percent and etaSeconds; "done" with providers, what each peer
                       did: blocks, bytes, latencyMs; a failed fetch's "error" with its phase and providers)
  -h, --help           this help

DEBUG=swapwright* logs the fetch's story on stderr; DEBUG=swapwright*,swapwright*:trace adds a line per want,
presence and block.

Of several --peer, those that cannot be reached are skipped with a warning; the fetch goes on from the others.

Exit codes: 0 done, 1 failed, 2 bad arguments (e.g. not a CID or multiaddr, or none of --peer, --bootstrap,
--public; a directory to stdout), 3 the folder of -o does not exist, no such path below the CID, or no peer has
the data (each answered DONT_HAVE), 4 no --peer or no bootstrap peer can be reached, or the DHT names no
reachable provider in time, 5 disk full, 130 interrupted.`,
  async run (argv, output, signal) {
    const args = parseFetchArgs(argv, 'get', { output: { type: 'string', short: 'o' } })
    await fetchTo(args, typeof args.values.output === 'string' ? args.values.output : undefined, output, signal)
  }
}

export const catCommand: Command = {
  name: 'cat',
  help: `Usage: swapwright cat ${PATH_FORMS} --peer ADDR [--peer ADDR]... [options]

The same as swapwright get ... -o -: fetches the file, verifies every block, keeps it in the repository and
writes its bytes to stdout; every message goes to stderr.

Options:
${FETCH_OPTIONS_HELP}
  --json               JSON events, on stderr
  -h, --help           this help

Exit codes as for get; a directory is 2 (swapwright ls lists it).`,
  async run (argv, output, signal) {
    await fetchTo(parseFetchArgs(argv, 'cat'), STDOUT, output, signal)
  }
}

async function fetchTo (args: ReturnType<typeof parseFetchArgs>, target: string | undefined, output: Output, signal: AbortSignal): Promise<void> {
  const toStdout = target === STDOUT
  // stdout carries the file's bytes: the command's own words go to stderr
  if (toStdout) output.toStderr()
  const out = toStdout ? STDOUT : resolve(target ?? args.path.segments.at(-1) ?? args.path.cid.toString())
  if (!toStdout) await checkOutputFolder(out)
  const repo = await openRepo(args.repo)
  try {
    const summary = await getDag({ ...args, repo, out, output, signal })
    output.event('done', { ...summary }, `fetched ${summary.cid} to ${toStdout ? 'stdout' : summary.out}: ${summaryText(summary)}, ` +
      `peak memory ${humanBytes(summary.peakMemoryBytes)}` +
      // who gave what, when there was more than one to give it
      (summary.providers.length > 1 ? providerLines(summary.providers).map(line => `\n  ${line}`).join('') : ''))
  } finally {
    await repo.close()
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
