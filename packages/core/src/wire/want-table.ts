/** Flag bits of one entry. */
const CANCEL = 1
const HAVE = 2
const SEND_DONT_HAVE = 4

/** Entries a table starts with room for; it doubles as needed. */
const INITIAL_ROWS = 256

/**
 * Tables at most this large are kept for the next message; a larger one (an operator's raised
 * `maxWantlistEntries`) is let go once its message is decoded, so one huge message does not pin its memory.
 */
export const KEPT_TABLE_ROWS = 16384

/**
 * The wantlist entries of one message as columns of numbers: where each entry's CID lies in the message, its
 * priority and its flags. Reading a want list into this costs no object per entry; CIDs are built afterwards
 * for the entries that are kept only. The columns are reused from one message to the next.
 */
export class WantTable {
  count = 0
  full = false
  private cidStart = new Int32Array(INITIAL_ROWS)
  private cidEnd = new Int32Array(INITIAL_ROWS)
  private priorities = new Int32Array(INITIAL_ROWS)
  private flags = new Uint8Array(INITIAL_ROWS)
  /** Priorities of the wants, sorted, when choosing the most urgent. */
  private sorted = new Int32Array(0)

  get rows (): number {
    return this.flags.length
  }

  reset (): void {
    this.count = 0
    this.full = false
  }

  /** Appends an entry with protobuf's defaults (no CID, priority 0, a want-block); returns its row. */
  add (): number {
    if (this.count === this.flags.length) this.grow()
    const row = this.count++
    this.cidStart[row] = 0
    this.cidEnd[row] = 0
    this.priorities[row] = 0
    this.flags[row] = 0
    return row
  }

  setCid (row: number, start: number, end: number): void {
    this.cidStart[row] = start
    this.cidEnd[row] = end
  }

  setPriority (row: number, priority: number): void { this.priorities[row] = priority }
  setCancel (row: number, on: boolean): void { this.setFlag(row, CANCEL, on) }
  setHave (row: number, on: boolean): void { this.setFlag(row, HAVE, on) }
  setSendDontHave (row: number, on: boolean): void { this.setFlag(row, SEND_DONT_HAVE, on) }

  cidStartOf (row: number): number { return this.cidStart[row] }
  cidEndOf (row: number): number { return this.cidEnd[row] }
  priorityOf (row: number): number { return this.priorities[row] }
  isCancel (row: number): boolean { return (this.flags[row] & CANCEL) !== 0 }
  isHave (row: number): boolean { return (this.flags[row] & HAVE) !== 0 }
  sendsDontHave (row: number): boolean { return (this.flags[row] & SEND_DONT_HAVE) !== 0 }

  /**
   * Which rows survive a cut to the `keep` most urgent wants (highest priority, then first); cancels always
   * survive. Returns a predicate to call once per row, in row order, and the number of wants cut. The same choice as sorting the wants by
   * (priority descending, position) and taking the first `keep`, made with one numeric sort of the priorities:
   * every want above the keep-th priority stays, and of those at it, the first ones up to `keep`.
   */
  urgentCut (keep: number | undefined): { kept: (row: number) => boolean, dropped: number } {
    let wants = 0
    for (let row = 0; row < this.count; row++) if (!this.isCancel(row)) wants++
    if (keep == null || wants <= keep) return { kept: () => true, dropped: 0 }
    if (this.sorted.length < wants) this.sorted = new Int32Array(Math.max(wants, this.sorted.length * 2))
    const sorted = this.sorted.subarray(0, wants)
    let i = 0
    for (let row = 0; row < this.count; row++) if (!this.isCancel(row)) sorted[i++] = this.priorities[row]
    sorted.sort()
    const threshold = keep > 0 ? sorted[wants - keep] : Infinity
    let above = 0
    for (let j = wants - 1; j >= 0 && sorted[j] > threshold; j--) above++
    let atThreshold = keep - above
    const kept = (row: number): boolean => {
      if (this.isCancel(row)) return true
      const priority = this.priorities[row]
      if (priority > threshold) return true
      if (priority === threshold && atThreshold > 0) {
        atThreshold--
        return true
      }
      return false
    }
    return { kept, dropped: wants - keep }
  }

  private setFlag (row: number, bit: number, on: boolean): void {
    this.flags[row] = on ? this.flags[row] | bit : this.flags[row] & ~bit
  }

  private grow (): void {
    const rows = this.flags.length * 2
    const widen = <T extends Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const grown = make(rows)
      grown.set(old)
      return grown
    }
    this.cidStart = widen(this.cidStart, n => new Int32Array(n))
    this.cidEnd = widen(this.cidEnd, n => new Int32Array(n))
    this.priorities = widen(this.priorities, n => new Int32Array(n))
    this.flags = widen(this.flags, n => new Uint8Array(n))
  }
}
