/**
 * `items` without repeats, first occurrence kept; a selector must never hand back the same peer twice. The
 * usual case, no repeats, is `items` itself rather than a copy.
 */
export function distinct<T> (items: readonly T[]): readonly T[] {
  const set = new Set(items)
  return set.size === items.length ? items : [...set]
}
