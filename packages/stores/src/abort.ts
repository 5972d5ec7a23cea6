/** Options every interface-store method accepts (structurally the same as abort-error's `AbortOptions`). */
export interface AbortOptions {
  signal?: AbortSignal
}

/**
 * The error to surface for a failed operation: once the caller's signal has fired, its reason, whatever the
 * lower layer turned the abort into (Node's own AbortError, a library's PutFailedError wrapper, ...). Callers can
 * then always tell "I cancelled" from "it failed" by the same test, in every store.
 */
export function abortReasonOr (err: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted === true ? signal.reason : err
}
