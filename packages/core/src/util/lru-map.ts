/** A Map that forgets its least recently used entries beyond `capacity`. */
export class LruMap<K, V> {
  private readonly capacity: number
  private readonly map = new Map<K, V>()
  /**
   * Kept across evictions. A Map keeps deleted entries as holes until it is rebuilt, and a fresh iterator walks
   * every hole before the oldest live entry: with the oldest deleted on each insertion, `keys().next()` grew
   * with the holes in front, up to the capacity (tens of microseconds an insertion at 65,536 entries). This one
   * has passed only entries already deleted (evicted, or moved to the end by use), so its next key is the oldest.
   */
  private order: Iterator<K> = this.map.keys()

  constructor (capacity: number) {
    this.capacity = capacity
  }

  get size (): number {
    return this.map.size
  }

  get (key: K): V | undefined {
    const value = this.map.get(key)
    if (value !== undefined) {
      this.map.delete(key)
      this.map.set(key, value)
    }
    return value
  }

  set (key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.capacity) {
      let oldest = this.order.next()
      if (oldest.done === true) {
        // An iterator that reached the end stays there: start over (the map had been emptied meanwhile).
        this.order = this.map.keys()
        oldest = this.order.next()
      }
      if (oldest.done !== true) this.map.delete(oldest.value)
    }
  }

  delete (key: K): void {
    this.map.delete(key)
  }
}
