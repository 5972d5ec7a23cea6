import { parseArgs } from 'node:util'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import { startNode } from '../node.js'
import { addPath } from './add.js'
import type { Command } from '../command.js'

/** Where `serve` listens unless told otherwise. */
export const DEFAULT_LISTEN = '/ip4/0.0.0.0/tcp/4001'

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the repository (adding the given paths first) until interrupted',
  help: `Usage: swapwright serve [path...] [options]

Adds the given paths (if any), listens, prints every dialable address and root CID, and serves blocks over
Bitswap until interrupted (Ctrl-C), then shuts down cleanly.

Options:
  --repo DIR        repository directory (default ${DEFAULT_REPO})
  --listen ADDR     multiaddr to listen on; repeat for several (default ${DEFAULT_LISTEN})
  --kubo            import with Kubo's defaults (see swapwright add --help)
  --json            one JSON object per line, each with an "event" field
  -h, --help        this help`,
  async run (argv, output, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        repo: { type: 'string', default: DEFAULT_REPO },
        listen: { type: 'string', multiple: true },
        kubo: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false }
      }
    })
    const repo = await openRepo(values.repo)
    try {
      const roots = []
      for (const path of positionals) roots.push(await addPath(path, repo.blockstore, { kubo: values.kubo }))
      const node = await startNode(repo.blockstore, values.listen ?? [DEFAULT_LISTEN])
      try {
        for (const address of node.libp2p.getMultiaddrs()) {
          output.event('listening', { address: address.toString() }, `listening on ${address.toString()}`)
        }
        for (const root of roots) {
          output.event('serving', { path: root.path, cid: root.cid.toString(), size: Number(root.size) }, `serving ${root.cid} ${root.path}`)
        }
        output.event('ready', { peer: node.libp2p.peerId.toString() }, 'ready; press Ctrl-C to stop')
        await new Promise<void>(resolve => {
          if (signal.aborted) resolve()
          signal.addEventListener('abort', () => { resolve() }, { once: true })
        })
        const served = node.bitswap.stats().server
        output.event('stopped', { blocksSent: served.blocksSent, bytesSent: served.bytesSent }, `stopped after sending ${served.blocksSent} blocks (${served.bytesSent} bytes)`)
      } finally {
        await node.stop()
      }
    } finally {
      await repo.close()
    }
  }
}
