/** `items` without repeats, first occurrence kept; a selector must never hand back the same peer twice. */
export function distinct<T> (items: readonly T[]): T[] {
  return [...new Set(items)]
}
