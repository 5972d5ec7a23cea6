/*
 * The few assertions the suites need, free of `node:assert` so a suite runs wherever its plugin does (a browser
 * test runner included). Each throws an AssertionError with the rule that broke.
 */

export class AssertionError extends Error {
  override readonly name = 'AssertionError'
}

export function ok (condition: unknown, message = 'expected a true value'): asserts condition {
  if (condition === false || condition === undefined || condition === null || condition === 0 || condition === '') {
    throw new AssertionError(message)
  }
}

export function equal<T> (actual: T, expected: T, message = 'values differ'): void {
  if (!Object.is(actual, expected)) throw new AssertionError(`${message} (got ${show(actual)}, expected ${show(expected)})`)
}

/** Equality of plain data (arrays, records, strings, numbers; CIDs and byte arrays compared by content). */
export function same (actual: unknown, expected: unknown, message = 'values differ'): void {
  const a = canonical(actual)
  const e = canonical(expected)
  if (a !== e) throw new AssertionError(`${message} (got ${clip(a)}, expected ${clip(e)})`)
}

/** Byte equality with a short message: printing two large arrays would take longer than the test. */
export function equalBytes (actual: Uint8Array | undefined, expected: Uint8Array, what = 'bytes'): void {
  ok(actual != null, `${what}: missing`)
  equal(actual.byteLength, expected.byteLength, `${what}: length`)
  for (let i = 0; i < expected.byteLength; i++) {
    if (actual[i] !== expected[i]) throw new AssertionError(`${what}: first difference at byte ${i}`)
  }
}

/** `fn` throws (or rejects) with an error whose `name` is `name`. */
export async function rejectsNamed (fn: () => unknown, name: string, message: string): Promise<void> {
  let outcome: unknown
  try {
    await fn()
  } catch (err) {
    outcome = err
  }
  if (outcome === undefined) throw new AssertionError(`${message}: expected ${name}, nothing was thrown`)
  const got = (outcome as { name?: unknown }).name
  if (got !== name) throw new AssertionError(`${message}: expected ${name}, got ${String(outcome)}`)
}

/** `fn` throws or rejects with some error. Returns it. */
export async function rejects (fn: () => unknown, message: string): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new AssertionError(`${message}: nothing was thrown`)
}

function show (value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

function clip (text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

function canonical (value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return `bytes:${Array.from(v).join(',')}`
    if (v != null && typeof v === 'object' && (v as { asCID?: unknown }).asCID === v) return `cid:${String(v)}`
    if (v instanceof Set) return [...(v as Set<unknown>)]
    return v
  })
}
