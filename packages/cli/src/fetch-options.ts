import { parseArgs } from 'node:util'
import { DEFAULT_NOT_FOUND_TIMEOUT } from './constants.js'
import { DEFAULT_DHT_PROTOCOL, DEFAULT_FIND_TIMEOUT } from './dht.js'
import { DHT_OPTIONS, parseDhtOptions } from './dht-options.js'
import { CliError, ExitCode } from './errors.js'
import { FIND_RETRY_DELAY } from './find-provider.js'
import { parseIpfsPath, type IpfsPath } from './ipfs-path.js'
import { parsePeerAddress, type PeerAddress } from './reach.js'
import { DEFAULT_REPO } from './repo.js'
import { seconds } from './seconds.js'
import type { DhtSettings } from './dht.js'

/** `get`, `cat` and `ls` give up when no block arrives for this long (seconds). */
export const DEFAULT_IDLE_TIMEOUT = 60
/**
 * How long `get`, `cat` and `ls` try to reach each peer (seconds). A crowd of fetchers started at once on a small
 * busy machine is bound by CPU: 64 gets from one address against one serve on 2 cores under load took 19 to 79 s
 * (median 39) to connect, every handshake waiting its turn, where 10 s turned most of them away.
 */
export const DEFAULT_DIAL_TIMEOUT = 60

/** The options of every command that fetches, for parseArgs. */
const FETCH_OPTIONS = {
  peer: { type: 'string', multiple: true },
  ...DHT_OPTIONS,
  'find-timeout': { type: 'string', default: String(DEFAULT_FIND_TIMEOUT) },
  repo: { type: 'string', default: DEFAULT_REPO },
  'idle-timeout': { type: 'string', default: String(DEFAULT_IDLE_TIMEOUT) },
  'dial-timeout': { type: 'string', default: String(DEFAULT_DIAL_TIMEOUT) },
  'not-found-timeout': { type: 'string', default: String(DEFAULT_NOT_FOUND_TIMEOUT) },
  json: { type: 'boolean', default: false }
} as const

/** Their help lines. */
export const FETCH_OPTIONS_HELP = `  --peer ADDR          multiaddr of a peer holding the data, ending in /p2p/<peer id>; repeat for several
  --bootstrap ADDR     multiaddr of a DHT peer to join through (e.g. a swapwright serve --dht), ending in
                       /p2p/<peer id>; repeat for several. Every one that cannot be reached or does not run the
                       DHT is skipped; none left is exit 4
  --public             use the public IPFS DHT and its bootstrap peers
  --dht-protocol NAME  DHT protocol of a DHT of your own (default ${DEFAULT_DHT_PROTOCOL}); not with --public
  --find-timeout SEC   how long to look for a provider on the DHT, looking again ${FIND_RETRY_DELAY / 1000} s after each lookup
                       that found none (default ${DEFAULT_FIND_TIMEOUT})
  --repo DIR           repository directory (default ${DEFAULT_REPO})
  --idle-timeout SEC   give up when no block arrives for this long (default ${DEFAULT_IDLE_TIMEOUT})
  --dial-timeout SEC   how long to try each peer, bootstrap peer or provider, dialling again with a growing
                       pause while it refuses or resets the connection (default ${DEFAULT_DIAL_TIMEOUT})
  --not-found-timeout SEC
                       give up this long after every peer answered DONT_HAVE for a block (default
                       ${DEFAULT_NOT_FOUND_TIMEOUT}); with a DHT, after --find-timeout without a provider that has it`

/** The paths a fetching command accepts, for its usage line. */
export const PATH_FORMS = '<cid> | <cid>/<path> | /ipfs/<cid>/<path>'

export interface FetchArgs {
  path: IpfsPath
  peers: PeerAddress[]
  dht?: DhtSettings
  repo: string
  idleTimeout: number
  dialTimeout: number
  findTimeout: number
  notFoundTimeout: number
  /** The command's own options (those given in `extra`). */
  values: Record<string, string | boolean | string[] | undefined>
}

/**
 * Parses and checks a fetching command's arguments, all before any work starts: a mistake costs no fetch.
 * `extra` adds the command's own options.
 */
export function parseFetchArgs (argv: string[], name: string, extra: Record<string, { type: 'string' | 'boolean', short?: string }> = {}): FetchArgs {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...FETCH_OPTIONS, ...extra } })
  if (positionals.length !== 1) throw new CliError(`${name} takes exactly one CID or path (see swapwright ${name} --help)`, ExitCode.usage)
  const path = parseIpfsPath(positionals[0])
  const peers = (values.peer ?? []).map(parsePeerAddress)
  const dht = parseDhtOptions(values, { server: false, always: false })
  if (peers.length === 0 && dht == null) {
    throw new CliError(`${name} needs somewhere to look: --peer ADDR (a peer holding the data), --bootstrap ADDR ` +
      '(a DHT peer, e.g. a swapwright serve --dht) or --public (the public IPFS DHT)', ExitCode.usage)
  }
  const findTimeout = seconds(values['find-timeout'], '--find-timeout')
  return {
    path,
    peers,
    dht,
    repo: values.repo,
    idleTimeout: seconds(values['idle-timeout'], '--idle-timeout'),
    dialTimeout: seconds(values['dial-timeout'], '--dial-timeout'),
    findTimeout,
    notFoundTimeout: dht == null ? seconds(values['not-found-timeout'], '--not-found-timeout') : findTimeout,
    values: values as FetchArgs['values']
  }
}
