/** What the filesystem store was doing when the filesystem refused. */
export type FsOperation = 'open' | 'put' | 'get' | 'has' | 'size' | 'delete' | 'list'

/** Plain words for the errno codes a block directory most often hits, so the message says what to fix. */
const EXPLAINED: Record<string, string> = {
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'not a directory',
  EEXIST: 'a file is in the way',
  ENOENT: 'no such file or directory',
  EMFILE: 'too many open files (lower the store\'s concurrency or raise the limit)',
  ENAMETOOLONG: 'file name too long',
  EBADMSG: 'a damaged record: its checksum, length or multihash does not match (the block can be fetched again)'
}

/**
 * The filesystem refused an operation of `FsBlockstore`. Carries the exact path and the errno `code`
 * (ENOSPC, EACCES, ...) so callers can react, and the original error as `cause`. A missing block is not this
 * error: that is interface-store's `NotFoundError`.
 */
export class FsBlockstoreError extends Error {
  static override name = 'FsBlockstoreError'
  override name = 'FsBlockstoreError'
  /** The file or directory the operation touched. */
  readonly path: string
  /** The errno code from the filesystem, when there is one. */
  readonly code: string | undefined
  readonly operation: FsOperation

  /** `code` overrides the cause's errno code, for problems found by inspection rather than by a failed call. */
  constructor (operation: FsOperation, path: string, cause: unknown, code: string | undefined = errnoCode(cause)) {
    const known = code != null ? EXPLAINED[code] : undefined
    const reason = known != null ? `${known} (${code})` : cause instanceof Error ? cause.message : String(cause)
    super(`blockstore ${operation} failed at ${path}: ${reason}`, { cause })
    this.path = path
    this.code = code
    this.operation = operation
  }
}

/** The store was used before `open()` or after `close()`. */
export class StoreNotOpenError extends Error {
  static override name = 'StoreNotOpenError'
  override name = 'StoreNotOpenError'

  constructor (path: string) {
    super(`blockstore at ${path} is not open: call open() first`)
  }
}

/** The errno code of a Node system error (`ENOENT`, ...), or undefined for anything else. */
export function errnoCode (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && typeof (err as { syscall?: unknown }).syscall === 'string' ? code : undefined
}
