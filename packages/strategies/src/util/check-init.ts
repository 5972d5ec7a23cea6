/*
 * Settings are checked when a policy is built, which `createBitswap()` does at start: a bad number then fails
 * there, with the plugin's name, rather than showing up as odd behaviour in the middle of a transfer.
 */

export function requireInteger (name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`)
  }
  return value
}

export function requireNumber (name: string, value: number, min: number, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number in [${min}, ${max}], got ${value}`)
  }
  return value
}
