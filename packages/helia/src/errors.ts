import { SwapwrightError } from '@swapwright/core'

/**
 * The Helia node has no libp2p when Swapwright starts: `withSwapwright` was applied before `withLibp2p` (or
 * `withLibp2pLight`), or over a node without libp2p. Bitswap needs libp2p's streams and topology.
 */
export class MissingLibp2pError extends SwapwrightError {
  constructor (message: string) {
    super('ERR_MISSING_LIBP2P', message)
  }
}

/**
 * Another block broker named `bitswap` is already on the Helia node (Helia's own, given in `blockBrokers`): two
 * Bitswaps on one libp2p node would both claim the `/ipfs/bitswap/*` protocols.
 */
export class ConflictingBrokerError extends SwapwrightError {
  constructor (message: string) {
    super('ERR_CONFLICTING_BROKER', message)
  }
}

/** A provider given to a retrieve or a session is neither a peer id CID nor a list of addresses. */
export class InvalidProviderError extends SwapwrightError {
  constructor (message: string) {
    super('ERR_INVALID_PROVIDER', message)
  }
}
