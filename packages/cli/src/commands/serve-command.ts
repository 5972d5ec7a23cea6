import { parseArgs } from 'node:util'
import { announceRoots } from '../announce-roots.js'
import { DEFAULT_DHT_PROTOCOL, PUBLIC_DHT_PROTOCOL } from '../dht.js'
import { DHT_OPTIONS, parseDhtOptions } from '../dht-options.js'
import { joinDht } from '../join-dht.js'
import { LIMIT_OPTIONS, limitFlagsHelp, parseLimitFlags } from '../limit-flags.js'
import { DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_INBOUND_CONNECTIONS_PER_SECOND, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_CONNECTIONS, parseConnectionLimits } from '../connection-limits.js'
import { NODE_STOP_TIMEOUT, SERVE_RECEIVE_WINDOW } from '../constants.js'
import { parseMultiaddr } from '../reach.js'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import { seconds } from '../seconds.js'
import { startNode } from '../node.js'
import { watchMemoryTrim } from '../memory-trim.js'
import { installHalfWindowUpdates } from '../yamux-window-updates.js'
import { METRICS_HELP, startMetrics } from '../serve-metrics.js'
import { addWithProgress } from '../add-progress.js'
import { parseProfile } from './add-command.js'
import type { Command } from '../command.js'

/** Where `serve` listens unless told otherwise. */
export const DEFAULT_LISTEN = '/ip4/0.0.0.0/tcp/4001'
/** How long `serve` tries to reach each bootstrap peer (seconds). */
export const DEFAULT_BOOTSTRAP_DIAL_TIMEOUT = 10

export const serveCommand: Command = {
  name: 'serve',
  help: `Usage: swapwright serve [path...] [options]

Adds the given paths (if any), listens, prints every dialable address and root CID, and serves blocks over
Bitswap until interrupted (Ctrl-C), then shuts down cleanly. Its peer id is the repository's (see swapwright
id): started again on the same repository, it keeps its addresses.

With --dht, --bootstrap or --public it also runs a Kademlia DHT and announces there the root CID of every path
it was given (only the roots: a fetcher looks up the root, and the blocks under it come from the peers that
serve it), printing "provided" for each. Unless --public is given that is a DHT of Swapwright nodes only,
speaking ${DEFAULT_DHT_PROTOCOL} and keeping every address its peers give (loopback, LAN or public), and this node
serves it (answers queries, keeps records), so others can join through it: start the first node with --dht
alone and give its address to the rest as --bootstrap. Only --public joins the public IPFS DHT
(${PUBLIC_DHT_PROTOCOL}, private addresses dropped; it answers queries there once it has a public address).

Options:
  --repo DIR           repository directory (default ${DEFAULT_REPO})
  --listen ADDR        multiaddr to listen on; repeat for several (default ${DEFAULT_LISTEN}); a /ws
                       address (e.g. /ip4/127.0.0.1/tcp/4003/ws) serves browser nodes over WebSockets
  --profile NAME       import with one of Kubo's profiles, unixfs-v0-2015 or unixfs-v1-2025 (see swapwright add --help)
  --kubo               the same as --profile unixfs-v0-2015
  --dht                run the DHT even with no --bootstrap: the first node, which the others join through
  --bootstrap ADDR     multiaddr of a DHT peer to join through, ending in /p2p/<peer id>; repeat for several.
                       Every one that cannot be reached or does not run the DHT is skipped; none left is exit 4
  --public             join the public IPFS DHT through its well-known bootstrap peers
  --dht-protocol NAME  DHT protocol of a DHT of your own (default ${DEFAULT_DHT_PROTOCOL}); not with --public
  --dial-timeout SEC   how long to try each bootstrap peer (default ${DEFAULT_BOOTSTRAP_DIAL_TIMEOUT})
  --max-connections N  open connections in all (default ${DEFAULT_MAX_CONNECTIONS})
  --max-pending-connections N
                       inbound connections in their handshake at once; more are refused (default
                       ${DEFAULT_MAX_PENDING_CONNECTIONS})
  --max-connection-rate N
                       new inbound connections a second from one address; more are refused (default
                       ${DEFAULT_INBOUND_CONNECTIONS_PER_SECOND}, so a crowd behind one address all connects)
  --handshake-timeout SEC
                       how long an inbound connection's handshake may take before it is dropped (default
                       ${DEFAULT_HANDSHAKE_TIMEOUT}: a crowd on a busy machine waits its turn for CPU)
${METRICS_HELP}
  --json               one JSON object per line, each with an "event" field
  -h, --help           this help

Exit codes: 0 stopped, 1 failed, 2 bad arguments, 3 missing path, 4 every bootstrap peer unreachable.

Limits against hostile peers: one flag per option of createBitswap and of the libp2p network (--max-wants-per-peer
is maxWantsPerPeer), a whole number in the option's unit (ms, bytes, counts), defaults shown. What each refused,
dropped or reset is counted in stats().server and in the network's per-peer counters:
${limitFlagsHelp()}`,
  async run (argv, output, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        repo: { type: 'string', default: DEFAULT_REPO },
        listen: { type: 'string', multiple: true },
        kubo: { type: 'boolean', default: false },
        profile: { type: 'string' },
        dht: { type: 'boolean', default: false },
        ...DHT_OPTIONS,
        'dial-timeout': { type: 'string', default: String(DEFAULT_BOOTSTRAP_DIAL_TIMEOUT) },
        'max-connections': { type: 'string' },
        'max-pending-connections': { type: 'string' },
        'max-connection-rate': { type: 'string' },
        'handshake-timeout': { type: 'string' },
        metrics: { type: 'string' },
        ...LIMIT_OPTIONS,
        json: { type: 'boolean', default: false }
      }
    })
    const dht = parseDhtOptions(values, { server: true, always: values.dht })
    const dialTimeout = seconds(values['dial-timeout'], '--dial-timeout')
    // Every argument is checked before any work starts.
    const listen = values.listen ?? [DEFAULT_LISTEN]
    for (const address of listen) parseMultiaddr(address)
    const limits = parseConnectionLimits(values)
    const { bitswap: serverLimits, network: networkLimits } = parseLimitFlags(values)
    const profile = parseProfile(values.profile, values.kubo)
    const metrics = startMetrics(values.metrics, output)
    const repo = await openRepo(values.repo)
    try {
      const roots = []
      for (const path of positionals) roots.push(await addWithProgress(path, repo.blockstore, { profile }, output))
      // A Go peer opens a stream for every message it sends, in a few small frames, and the muxer answered each
      // frame with a window update of its own (sealed and written apart); in halves, a want needs none.
      installHalfWindowUpdates()
      const node = await startNode(repo.blockstore, listen, dht, {
        privateKey: await repo.identity(),
        receiveWindow: SERVE_RECEIVE_WINDOW,
        limits,
        metrics: metrics?.metrics,
        serverLimits,
        networkLimits,
        onSlowStop: () => { output.warning(`the node did not stop within ${NODE_STOP_TIMEOUT / 1000} s; leaving its connections behind`) }
      })
      let announcing: { stop: () => void } | undefined
      let stopTrim: (() => void) | undefined
      try {
        for (const address of node.libp2p.getMultiaddrs()) {
          output.event('listening', { address: address.toString() }, `listening on ${address.toString()}`)
        }
        await metrics?.listen()
        if (dht != null && node.dht != null) {
          const joined = dht.bootstrap.length > 0 ? await joinDht(node.libp2p, dht, dialTimeout, output, signal) : []
          output.event('dht', { protocol: dht.protocol, mode: node.dht.getMode(), peers: joined },
            `DHT ${dht.protocol} in ${node.dht.getMode()} mode, joined through ${joined.length} peer(s)`)
        }
        for (const root of roots) {
          output.event('serving', { path: root.path, cid: root.cid.toString(), size: Number(root.size) }, `serving ${root.cid} ${root.path}`)
        }
        // A served node meets crowds of strangers: what a crowd needed goes back to the system once it has left.
        stopTrim = watchMemoryTrim(node.libp2p)
        output.event('ready', { peer: node.libp2p.peerId.toString() }, 'ready; press Ctrl-C to stop')
        if (node.dht != null) announcing = announceRoots(node.dht, roots.map(root => root.cid), output)
        await new Promise<void>(resolve => {
          if (signal.aborted) resolve()
          signal.addEventListener('abort', () => { resolve() }, { once: true })
        })
        const served = node.bitswap.stats().server
        output.event('stopped', { blocksSent: served.blocksSent, bytesSent: served.bytesSent }, `stopped after sending ${served.blocksSent} blocks (${served.bytesSent} bytes)`)
      } finally {
        announcing?.stop()
        stopTrim?.()
        await metrics?.close()
        await node.stop()
      }
    } finally {
      await repo.close()
    }
  }
}
