/**
 * A compliance suite is a list of named cases. Each case is self-contained (it builds, uses and disposes of its
 * own subject), so any runner can register them: `for (const c of cases) it(c.name, c.run)` with node:test,
 * mocha, vitest or jasmine alike. A case fails by throwing (or rejecting) with an `AssertionError`.
 */
export interface ComplianceCase {
  /** What the case checks, as a sentence: good as a test title. */
  readonly name: string
  run(): void | Promise<void>
}

/** Runs `cases` one after the other and throws the first failure, prefixed with the case's name. */
export async function runCases (cases: readonly ComplianceCase[]): Promise<void> {
  for (const c of cases) {
    try {
      await c.run()
    } catch (err) {
      throw new ComplianceFailure(c.name, err)
    }
  }
}

/** Runs synchronous cases (the policy suites) one after the other; throws the first failure. */
export function runCasesSync (cases: readonly ComplianceCase[]): void {
  for (const c of cases) {
    let result: void | Promise<void>
    try {
      result = c.run()
    } catch (err) {
      throw new ComplianceFailure(c.name, err)
    }
    if (result instanceof Promise) throw new TypeError(`case "${c.name}" is asynchronous: use runCases`)
  }
}

/** A case that failed, naming it; the original error is the cause. */
export class ComplianceFailure extends Error {
  override readonly name = 'ComplianceFailure'

  constructor (readonly caseName: string, cause: unknown) {
    super(`${caseName}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}
