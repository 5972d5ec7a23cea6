import { setFlagsFromString } from 'node:v8'
import { SMALL_BLOCK_HEAP_GROWTH, SMALL_BLOCK_MEAN } from './constants.js'

/** Blocks taken before their mean size is trusted to say what the rest of the DAG is made of. */
const SAMPLE_BLOCKS = 256

/**
 * Returns a check to call with a fetch's progress: once `SAMPLE_BLOCKS` have arrived at a mean under
 * `SMALL_BLOCK_MEAN`, V8 collects its old generation once it has grown `SMALL_BLOCK_HEAP_GROWTH` percent past
 * what its last full collection kept, instead of up to four times that (its own factor in a fetch, where the
 * collector is fast next to the rest). Small blocks are where it pays: each leaves a want's state, promises and
 * buffers that outlive the 1 MiB young generation and die in the old one, so most of a small-block fetch's old
 * generation is garbage between full collections. A fetch of big blocks is left as it is: its collections were
 * measured to cost it speed. V8 reads the flag at each full collection, so it holds from the next one on.
 */
export function smallBlockHeapGrowth (growth = SMALL_BLOCK_HEAP_GROWTH, setFlags: (flags: string) => void = setFlagsFromString): (progress: { blocks: number, bytes: number }) => void {
  let decided = false
  return ({ blocks, bytes }) => {
    if (decided || blocks < SAMPLE_BLOCKS) return
    decided = true
    if (bytes / blocks < SMALL_BLOCK_MEAN) setFlags(`--heap-growing-percent=${growth}`)
  }
}
