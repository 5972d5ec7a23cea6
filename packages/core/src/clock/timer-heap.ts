/** A scheduled entry of the virtual clock; `seq` keeps timers due at the same time in the order they were set. */
export interface HeapEntry {
  due: number
  seq: number
  run: () => void
  cancelled: boolean
}

function before (a: HeapEntry, b: HeapEntry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq)
}

/** A binary min-heap ordered by (due, seq): O(log n) insert and pop for simulations with many timers. */
export class TimerHeap {
  private readonly items: HeapEntry[] = []

  get size (): number {
    return this.items.length
  }

  peek (): HeapEntry | undefined {
    return this.items[0]
  }

  push (entry: HeapEntry): void {
    const items = this.items
    items.push(entry)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i], items[parent])) break
      ;[items[i], items[parent]] = [items[parent], items[i]]
      i = parent
    }
  }

  pop (): HeapEntry | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last != null) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < items.length && before(items[l], items[best])) best = l
        if (r < items.length && before(items[r], items[best])) best = r
        if (best === i) break
        ;[items[i], items[best]] = [items[best], items[i]]
        i = best
      }
    }
    return top
  }
}
