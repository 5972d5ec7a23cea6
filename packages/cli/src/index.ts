/**
 * @packageDocumentation
 * The pieces of the `swapwright` command, for programs that want the same behaviour.
 */
export { addPath, DEFAULT_CHUNK_SIZE, type AddOptions, type Added } from './commands/add.js'
export { openRepo, DEFAULT_REPO, type Repo } from './repo.js'
export { CliError, ExitCode } from './errors.js'
export { startNode, type CliNode, type NodeOptions } from './node.js'
export { nodeNoiseCrypto } from './noise-crypto.js'
export { gatheredWrites, gatherWrites, gatheringTcp, SOCKET_HIGH_WATER_MARK } from './gathered-writes.js'
export { parseConnectionLimits, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_INBOUND_CONNECTIONS_PER_SECOND, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_CONNECTIONS, type ConnectionLimits } from './connection-limits.js'
export { installHalfWindowUpdates } from './yamux-window-updates.js'
