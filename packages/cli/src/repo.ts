import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { errorMessage } from '@swapwright/core'
import { CliError, ExitCode } from './errors.js'
import { repoIdentity } from './identity.js'
import { WriteWatchingBlockstore } from './write-watching-blockstore.js'
import type { PrivateKey } from '@libp2p/interface'
import type { FsBlockstore } from '@swapwright/stores'

/** Default repository: blocks of this directory's swapwright node. */
export const DEFAULT_REPO = '.swapwright'

/**
 * A repository on disk: `<dir>/blocks` holds the blocks (written atomically, so an interrupted fetch resumes),
 * `<dir>/identity.key` the peer identity `serve` and `id` use.
 */
export interface Repo {
  dir: string
  blockstore: FsBlockstore
  /** The repository's peer identity, created the first time it is asked for and kept in `<dir>/identity.key`. */
  identity: () => Promise<PrivateKey>
  /** Aborted, with the CliError to report as its reason, once a block could not be written (a full disk: exit 5). */
  writeFailed: AbortSignal
  close: () => Promise<void>
}

export async function openRepo (dir: string = DEFAULT_REPO): Promise<Repo> {
  const root = resolve(dir)
  try {
    await mkdir(root, { recursive: true })
  } catch (err) {
    throw new CliError(`Cannot create the repository ${root}: ${errorMessage(err)}`, ExitCode.failure, { cause: err })
  }
  const blockstore = new WriteWatchingBlockstore(join(root, 'blocks'))
  try {
    await blockstore.open()
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new CliError(`Cannot open the repository ${root}: ${errorMessage(err)}`, code === 'ENOSPC' ? ExitCode.diskFull : ExitCode.failure, { cause: err })
  }
  return {
    dir: root,
    blockstore,
    identity: async () => repoIdentity(root),
    writeFailed: blockstore.writeFailed,
    close: async () => blockstore.close()
  }
}
