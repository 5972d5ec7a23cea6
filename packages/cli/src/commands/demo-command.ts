import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CliError, ExitCode } from '../errors.js'
import { summaryText } from '../summary-text.js'
import { getDag } from '../get-dag.js'
import { startNode } from '../node.js'
import { parseIpfsPath } from '../ipfs-path.js'
import { parsePeerAddress } from '../reach.js'
import { openRepo } from '../repo.js'
import { addPath } from './add.js'
import type { Command } from '../command.js'

/** Size of the file the demo generates, in MiB. */
export const DEFAULT_DEMO_SIZE_MIB = 16

export const demoCommand: Command = {
  name: 'demo',
  help: `Usage: swapwright demo [options]

Starts two Swapwright nodes on 127.0.0.1 in this process, adds a generated file to the first, fetches it with
the second and checks it byte for byte. Needs no network and no set-up; leaves nothing behind.

Options:
  --size MIB   size of the generated file (default ${DEFAULT_DEMO_SIZE_MIB})
  --json       one JSON object per line, each with an "event" field
  -h, --help   this help`,
  async run (argv, output, signal) {
    const { values } = parseArgs({
      args: argv,
      options: { size: { type: 'string', default: String(DEFAULT_DEMO_SIZE_MIB) }, json: { type: 'boolean', default: false } }
    })
    const mib = Number(values.size)
    if (!Number.isFinite(mib) || mib <= 0 || mib > 4096) throw new CliError('--size must be a number of MiB from 1 to 4096', ExitCode.usage)
    const work = await mkdtemp(join(tmpdir(), 'swapwright-demo-'))
    try {
      const file = join(work, 'demo.bin')
      await writeFile(file, randomBytes(Math.round(mib * 1024 * 1024)))
      const seederRepo = await openRepo(join(work, 'seeder'))
      const fetcherRepo = await openRepo(join(work, 'fetcher'))
      const seeder = await startNode(seederRepo.blockstore, ['/ip4/127.0.0.1/tcp/0'])
      try {
        const root = await addPath(file, seederRepo.blockstore)
        const address = seeder.libp2p.getMultiaddrs()[0].toString()
        output.event('serving', { cid: root.cid.toString(), size: Number(root.size), address }, `seeder serves ${root.cid} (${mib} MiB) at ${address}`)
        const out = join(work, 'fetched.bin')
        const summary = await getDag({
          path: parseIpfsPath(root.cid.toString()), peers: [parsePeerAddress(address)], repo: fetcherRepo, out, output, signal, idleTimeout: 60_000, dialTimeout: 10_000
        })
        const same = await digest(file) === await digest(out)
        if (!same) throw new CliError('The fetched file differs from the original', ExitCode.failure)
        output.event('done', { ...summary, verified: same }, `fetched ${summaryText(summary)}; identical to the original`)
      } finally {
        await seeder.stop()
        await seederRepo.close()
        await fetcherRepo.close()
      }
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  }
}

async function digest (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Uint8Array)
  return hash.digest('hex')
}
