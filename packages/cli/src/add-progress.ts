import { addPath, contentSize, type AddOptions, type Added } from './commands/add.js'
import { progressBar } from './progress.js'
import type { Output } from './output.js'
import type { Blockstore } from 'interface-blockstore'

export interface AddedWithTime extends Added {
  /** Bytes of file content read: every file of a tree, where the root's `size` is a file's only. */
  bytesRead: number
  seconds: number
}

/**
 * Imports one path (see `addPath`) with a progress line on a terminal (total, percent, rate, ETA) and, with
 * --json, `progress` events from the first second on, at most ten a second: a large import is never silent.
 */
export async function addWithProgress (path: string, blockstore: Blockstore, options: Omit<AddOptions, 'onRead'>, output: Output): Promise<AddedWithTime> {
  const total = await contentSize(path).catch(() => undefined)
  const bar = progressBar(`adding ${path}`, !output.json)
  const started = performance.now()
  // Scripts get progress only from an add that takes a while: the first event after a second.
  let lastReport = started + 900
  let bytesRead = 0
  try {
    const added = await addPath(path, blockstore, {
      ...options,
      onRead: bytes => {
        bytesRead = bytes
        bar.update({ done: bytes, total, seconds: (performance.now() - started) / 1000 })
        const now = performance.now()
        if (output.json && now - lastReport >= 100) {
          lastReport = now
          output.event('progress', { path, bytes, ...(total == null ? {} : { total }) })
        }
      }
    })
    return { ...added, bytesRead, seconds: (performance.now() - started) / 1000 }
  } finally {
    bar.stop()
  }
}
