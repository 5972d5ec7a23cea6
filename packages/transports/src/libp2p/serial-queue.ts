/**
 * Runs jobs one at a time in arrival order. Sends to one peer go through it so that the parts of one message
 * are never interleaved with another message's, and so that only one caller at a time opens the peer's stream.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve()

  /**
   * Runs `job` after every job queued before it. A caller whose signal aborts while it waits leaves the queue
   * at once; the jobs behind it still wait for the ones in front, so the order holds.
   */
  async run<T> (job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.tail
    let release!: () => void
    const done = new Promise<void>(resolve => { release = resolve })
    this.tail = previous.then(async () => done)
    try {
      await untilAborted(previous, signal)
      return await job()
    } finally {
      release()
    }
  }
}

/** Waits for `promise`, or rejects with the signal's reason as soon as it aborts. */
export async function untilAborted<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) return promise
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        onAbort = () => { reject(signal.reason) }
        signal.addEventListener('abort', onAbort, { once: true })
      })
    ])
  } finally {
    if (onAbort != null) signal.removeEventListener('abort', onAbort)
  }
}
