/**
 * Maps `source` through `fn` with at most `limit` calls in flight, yielding results in input order.
 *
 * A sliding window rather than fixed batches: a slow item holds back only the output, never the start of the
 * next calls. Every call's rejection is observed at once, so stopping early (an error, or the consumer breaking
 * off) never leaves an unhandled rejection behind; calls already running still finish.
 */
export async function * boundedMap<T, R> (
  source: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>
): AsyncGenerator<R, void, undefined> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`)
  const window: Array<Promise<R>> = []
  for await (const item of source) {
    const call = fn(item)
    call.catch(() => {})
    window.push(call)
    if (window.length >= limit) yield await (window.shift() as Promise<R>)
  }
  while (window.length > 0) yield await (window.shift() as Promise<R>)
}
