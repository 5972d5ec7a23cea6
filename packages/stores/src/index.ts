/**
 * @packageDocumentation
 * Blockstores for Swapwright. Every store follows `interface-blockstore`, so any `blockstore-*` package works too.
 */
export * from './memory-blockstore.js'
export { FsBlockstore, fsBlockstore, DEFAULT_FS_CONCURRENCY, DEFAULT_FS_WRITE_BUFFER_SIZE, DEFAULT_FS_WRITE_CONCURRENCY, DEFAULT_FS_WRITER_THREADS, DEFAULT_FS_SMALL_BLOCK_SIZE, DEFAULT_FS_SEGMENT_SIZE, MAX_FS_SMALL_BLOCK_SIZE } from './fs-blockstore.js'
export type { FsBlockstoreInit } from './fs-blockstore.js'
export { FsBlockstoreError, StoreNotOpenError } from './fs-errors.js'
export type { FsOperation } from './fs-errors.js'
export { LevelBlockstore, levelBlockstore } from './level-blockstore.js'
export type { LevelBlockstoreInit } from './level-blockstore.js'
export { DelayedBlockstore, delayedBlockstore, type DelayedBlockstoreInit, type BlockstoreDelays } from './delayed-blockstore.js'
