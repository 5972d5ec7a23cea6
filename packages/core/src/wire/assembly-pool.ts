import { allocUnsafe } from 'uint8arrays/alloc'

/**
 * Free buffers the node keeps for assembling received messages, at most this many bytes of them. A want list of
 * 8192 wants is about 330 KiB: 8 MiB keeps two dozen such buffers ready.
 */
export const DEFAULT_ASSEMBLY_POOL_BYTES = 8 * 1024 * 1024

/** Where an assembling decoder gets its buffers, and where buffers go back once what they held was decoded. */
export interface AssemblyBuffers {
  /** A buffer of at least `size` bytes, its contents undefined. */
  take(size: number): Uint8Array
  /**
   * Hands back a buffer `take` gave out (or a view of one starting at its first byte) once nothing reads it any
   * more; anything else is ignored, so a caller may offer whatever a message arrived in.
   */
  give(buffer: Uint8Array): void
}

/**
 * Assembly buffers that go round instead of being left to the collector. A message held until its turn to be
 * applied outlives the young generation, so its buffer is freed only by a full collection; a flood of large want
 * lists then piles up dead buffers (tens of MiB) before one comes, and the allocator keeps that high-water mark
 * for the life of the process. Buffers handed back after decoding are reused by the next messages instead.
 *
 * Sizes are rounded up to an eighth of a power of two (at most an eighth wasted, also for a message that carries
 * blocks and so keeps its buffer), so a buffer fits the many messages of about the same size a flood sends. Only buffers this pool made are taken back, each once.
 */
export class RecyclingAssemblyPool implements AssemblyBuffers {
  private readonly maxBytes: number
  private readonly free = new Map<number, Uint8Array[]>()
  /** Backing memory of the buffers given out and not yet back: the only ones `give` accepts. */
  private readonly out = new WeakSet<ArrayBufferLike>()
  private freeBytes = 0

  constructor (maxBytes: number = DEFAULT_ASSEMBLY_POOL_BYTES) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a whole number of bytes, got ${maxBytes}`)
    this.maxBytes = maxBytes
  }

  /** Bytes of free buffers held for reuse. */
  get pooledBytes (): number {
    return this.freeBytes
  }

  take (size: number): Uint8Array {
    const capacity = sizeClass(size)
    const reused = this.free.get(capacity)?.pop()
    let buffer: Uint8Array
    if (reused != null) {
      this.freeBytes -= capacity
      buffer = reused
    } else {
      buffer = allocUnsafe(capacity)
      // A small allocUnsafe comes out of a shared slab, which is not ours to hand back.
      if (buffer.byteOffset !== 0 || buffer.buffer.byteLength !== capacity) return buffer
    }
    this.out.add(buffer.buffer)
    return buffer
  }

  give (buffer: Uint8Array): void {
    const memory = buffer.buffer
    if (buffer.byteOffset !== 0 || !this.out.has(memory)) return
    this.out.delete(memory)
    const capacity = memory.byteLength
    if (this.freeBytes + capacity > this.maxBytes) return
    const whole = new Uint8Array(memory, 0, capacity)
    const list = this.free.get(capacity)
    if (list == null) this.free.set(capacity, [whole])
    else list.push(whole)
    this.freeBytes += capacity
  }
}

/** `size` rounded up to a multiple of an eighth of the power of two below it (4096 at least). */
export function sizeClass (size: number): number {
  if (size <= 4096) return 4096
  const step = 2 ** (Math.floor(Math.log2(size - 1)) - 3)
  return Math.ceil(size / step) * step
}
