import { parseArgs } from 'node:util'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { IDENTITY_FILE } from '../identity.js'
import { DEFAULT_REPO, openRepo } from '../repo.js'
import type { Command } from '../command.js'

export const idCommand: Command = {
  name: 'id',
  help: `Usage: swapwright id [options]

Prints the repository's peer id. The identity is created the first time it is needed and kept in
<repo>/${IDENTITY_FILE} (readable by its owner only), so swapwright serve on the same repository always has
this peer id. get uses a fresh identity each time, so several can share a repository at once.

Options:
  --repo DIR   repository directory (default ${DEFAULT_REPO})
  --json       one JSON object: {"event":"id","peer":...}
  -h, --help   this help`,
  async run (argv, output) {
    const { values } = parseArgs({
      args: argv,
      options: { repo: { type: 'string', default: DEFAULT_REPO }, json: { type: 'boolean', default: false } }
    })
    const repo = await openRepo(values.repo)
    try {
      const key = await repo.identity()
      const peer = peerIdFromPrivateKey(key).toString()
      output.event('id', { peer, repo: repo.dir }, peer)
    } finally {
      await repo.close()
    }
  }
}
