/** Runs `job` over `items` with at most `width` at once. */
export async function inBatches<T> (items: readonly T[], width: number, job: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      await job(items[index], index)
    }
  }))
}
