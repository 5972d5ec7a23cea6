import { FsBlockstore } from '@swapwright/stores'
import { errorMessage } from '@swapwright/core'
import { CliError, ExitCode } from './errors.js'
import type { CID } from 'multiformats/cid'

/** Errno codes that mean the repository's disk has no room left. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT'])

/**
 * The repository's filesystem store, signalling the first block it could not write. The Bitswap client keeps a
 * fetch going when storing a block fails (it still hands over the verified bytes), which suits a cache; for
 * `get` the stored blocks are the product, so a full disk has to stop the fetch at once with its own exit code
 * rather than surface later as a missing block.
 */
export class WriteWatchingBlockstore extends FsBlockstore {
  readonly #failed = new AbortController()
  /** Aborted after the first failed block write; its reason is the CliError to report. */
  readonly writeFailed: AbortSignal = this.#failed.signal

  /** A handler on the store's own promise rather than an async layer: one promise fewer for every block stored. */
  override put (...args: Parameters<FsBlockstore['put']>): Promise<CID> {
    return super.put(...args).catch((err: unknown) => {
      // a write the caller cancelled is no fault of the disk
      if (args[2]?.signal?.aborted !== true) this.#failed.abort(writeError(err, this.path))
      throw err
    })
  }
}

function writeError (err: unknown, dir: string): CliError {
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && DISK_FULL_CODES.has(code)) {
    return new CliError(`The disk is full: cannot store blocks in the repository ${dir}; the blocks stored so far are kept`, ExitCode.diskFull, { cause: err })
  }
  return new CliError(`Cannot store blocks in the repository: ${errorMessage(err)}`, ExitCode.failure, { cause: err })
}
