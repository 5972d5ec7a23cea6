import { setFlagsFromString } from 'node:v8'
import { FETCH_HEAP_GROWING_PERCENT } from './constants.js'

/**
 * Has V8 collect its old generation once it has grown by `percent` past what the last full collection kept,
 * instead of by a factor of its own choosing (about 2 in a fetch, up to 4). A fetch promotes every want's state
 * and the views of received chunks that blocks are (both outlive a 1 MiB young generation), so its old generation
 * is mostly garbage between full collections, and the chunks those dead views pin are freed only by one.
 * Set once the command knows it fetches: V8 reads the flag at each full collection, so it holds from then on.
 */
export function limitHeapGrowth (percent = FETCH_HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`)
}
