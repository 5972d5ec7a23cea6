/**
 * The command's own limits, each also a documented option or README entry. Limits of the Bitswap node itself
 * live in @swapwright/core's constants.
 */

/** How long stopping a node may take before the command goes on without it (ms): a peer gone mid-close must not hang the exit. */
export const NODE_STOP_TIMEOUT = 5_000

/**
 * After the work is done, how long the process may take to exit on its own (ms) before it is ended: sockets a
 * timed-out stop left open must not keep it alive.
 */
export const EXIT_GRACE = 2_000

/** `get` gives up this long (seconds) after every peer answered DONT_HAVE for a block, when no DHT is searched. */
export const DEFAULT_NOT_FOUND_TIMEOUT = 3

/** The first pause before dialling again a peer that refused or reset the connection (ms); it doubles each time. */
export const DIAL_RETRY_FIRST_DELAY = 100

/** The longest pause between two dials of a peer that refuses or resets (ms); all retries end with `--dial-timeout`. */
export const DIAL_RETRY_MAX_DELAY = 2_000

/** The exit code when the reader of stdout went away (128 + SIGPIPE, as a shell reports a command a closed pipe ended). */
export const EXIT_PIPE_CLOSED = 141

/**
 * Bytes of a file `get` may have handed to the disk and not yet seen written, while it writes the file as the
 * blocks arrive; beyond it the fetch waits for the disk, so a slow disk costs speed, not memory.
 */
export const STREAMED_WRITES_IN_FLIGHT = 16 * 1024 * 1024

/**
 * Bytes of blocks `get` gathers before writing them to the file it writes while they arrive, sorted by their place
 * in it, neighbours in one request. A write per 1 KiB leaf cost a fetch of 16 MiB about a sixth of its CPU
 * (16,000 requests to the disk's thread pool); a Go peer sends each message's neighbouring leaves shuffled, so
 * only leaves gathered over many messages line up. A block of this size or more is written on its own, as before.
 */
export const STREAMED_WRITE_RUN = 1024 * 1024

/**
 * The receive window of each yamux stream of a fetching node (get, cat, ls), in bytes: how much a peer may send
 * on it before hearing back, given in one piece at the stream's first window update (see yamux-window-updates.ts;
 * the muxer's own 256 KiB never grows on these connections). At most this much of one stream can wait unread in
 * the fetcher's memory.
 */
export const FETCH_RECEIVE_WINDOW = 4 * 1024 * 1024

/**
 * The receive window of each yamux stream of `serve`, in bytes: the protocol's own 256 KiB, which the muxer never
 * grows on these connections. A server only reads wants, so it gives no peer more, and with the window given back in
 * halves (see yamux-window-updates.ts) a peer's small messages need no update at all.
 */
export const SERVE_RECEIVE_WINDOW = 256 * 1024

/**
 * The most wants a fetching node (get, cat, ls) has out at once for one level of a DAG, in place of core's 4096.
 * Every want costs the client about 1.5 KB of state (the want, its maps and sets, its waiter, its CID) that
 * lives until the block arrives, long enough to reach the old generation, and V8 lets that grow about fourfold
 * past what its last full collection kept. Only small blocks reach this bound: 1 MiB blocks stop at core's
 * `maxBatchBytes` first (256 of them). 1024 wants of 1 KiB are still a megabyte on its way, many round trips'
 * worth on any link that carries a fetch at these rates. Measured on `get` of 16 MiB in 1 KiB chunks from a Kubo
 * seed into the fs store: see the cli README.
 */
export const FETCH_BATCH_WANTS = 1024

/** Mean block size (bytes) under which a fetch counts as one of small blocks (see heap-growth.ts). */
export const SMALL_BLOCK_MEAN = 64 * 1024

/**
 * How far, in percent past what the last full collection kept, V8 lets the old generation grow during a fetch of
 * small blocks before collecting it again (see heap-growth.ts); its own factor reached 300 %. Measured on `get` of
 * 16 MiB in 1 KiB chunks from a Kubo seed into the fs store (see the cli README): peak memory about 15 MiB lower,
 * CPU about 6 % higher.
 */
export const SMALL_BLOCK_HEAP_GROWTH = 200
