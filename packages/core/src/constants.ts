/** Largest message we accept from a peer, as its length prefix declares it. The spec's ceiling. */
export const DEFAULT_MAX_INCOMING_MESSAGE_SIZE = 4 * 1024 * 1024

/** Size we aim for when we split outgoing messages; a single larger block still goes, alone. */
export const DEFAULT_MAX_OUTGOING_MESSAGE_SIZE = 2 * 1024 * 1024

/** Largest wantlist entries one incoming message may carry before it is rejected whole. */
export const DEFAULT_MAX_WANTLIST_ENTRIES_PER_MESSAGE = 8192

/** Largest number of blocks (raw and payload together) one incoming message may carry. */
export const DEFAULT_MAX_BLOCKS_PER_MESSAGE = 4096

/** Largest number of block presences one incoming message may carry. */
export const DEFAULT_MAX_PRESENCES_PER_MESSAGE = 8192

/**
 * Longest CID we accept in a want or presence: four 10-byte varints (version, codec, hash code, length) and a
 * 128-byte digest.
 */
export const MAX_CID_BYTES = 168

/** Longest block the spec requires every implementation to exchange. */
export const MAX_BLOCK_SIZE = 2 * 1024 * 1024

/** Wants kept per peer on the server (ledger and queued tasks); overflow is evicted by the DecisionStrategy. */
export const DEFAULT_MAX_WANTS_PER_PEER = 1024

/**
 * Server: wantlist entries kept over all peers together. When a new want would pass it, the peer holding the most
 * wants gives way (its least urgent wants are evicted, never below the asking peer's count); a peer that holds
 * the most itself has its new wants refused. 128 peers with full ledgers, about 40 MiB.
 */
export const DEFAULT_MAX_WANTLIST_ENTRIES = 131_072

/**
 * Received messages of one peer waiting to be applied. Past it, the network stops reading the peer's streams
 * (the muxer's flow control then stops the peer), so a fast sender cannot queue messages without bound.
 */
export const DEFAULT_MAX_QUEUED_MESSAGES_PER_PEER = 4

/**
 * Bytes of received messages waiting to be applied, over all peers. Past it, a peer that already has a message
 * waiting is not read until the total drops; a peer with none waiting may always hand over one, so peers that
 * flood together cannot shut out one that asks for a block. Four messages of the largest size.
 */
export const DEFAULT_MAX_QUEUED_MESSAGE_BYTES = 16 * 1024 * 1024

/**
 * Server: bytes of replies a second to one peer (token bucket, one second of burst). 0, the default, is no limit,
 * as in Go's server; an operator sharing a thin uplink among strangers sets one.
 */
export const DEFAULT_MAX_BYTES_PER_SECOND_PER_PEER = 0

/** Server: blocks a second to one peer (token bucket). 0, the default, is no limit. */
export const DEFAULT_MAX_BLOCKS_PER_SECOND_PER_PEER = 0

/**
 * Server: ms before the same block goes to the same peer again. A peer that wants, cancels and wants one large
 * block again would otherwise make us send it on every round (92 KB of requests, 138 MB sent). 0, the default,
 * is no limit, as in Go's server.
 */
export const DEFAULT_MIN_BLOCK_RESEND_INTERVAL = 0

/**
 * The server fills each reply to at least this many bytes of work when the peer's queue has it. 64 KiB, not Go's
 * 16 KiB: per message our server pays an encode, a send through the stream and its bookkeeping, and on 10,000
 * blocks of 1 KiB fuller replies cost the seed 0.71–0.78× the CPU and fetched faster in 5 of 6 rounds
 * (`npm run bench:transfer -- --workloads small --variant target64='{"targetMessageSize":65536}'`); 256 KiB
 * saved no more CPU and delayed first blocks.
 */
export const DEFAULT_TARGET_MESSAGE_SIZE = 64 * 1024

/**
 * Bytes popped for a peer and not yet sent; past it the peer waits, so one peer cannot hog the workers. 2 MiB, not
 * Go's 1 MiB: with one 1 MiB block allowed, the next block was read only once the last had left, so each peer's
 * stream stood idle during every read. Two in flight overlap the read with the send. Kubo fetchers of a 64 MiB
 * file, same-run A/B on a loaded machine: 4 fetchers, the server's CPU per byte 0.81× (0.72–0.83×) and its speed
 * 1.1–1.5× in each of 3 rounds; 1 fetcher, CPU 0.86× (0.54–1.13×) over 4 rounds, speed mixed. 4 MiB bought no more.
 */
export const DEFAULT_MAX_OUTSTANDING_BYTES_PER_PEER = 2 * 1024 * 1024

/** Workers that turn popped tasks into messages and send them. */
export const DEFAULT_TASK_WORKER_COUNT = 8

/**
 * Concurrent blockstore reads on the server. Lower than a Go server's 128 goroutines: each read holds a whole
 * block (up to 2 MiB) in memory, so this bounds what reads can pin at once (32 x 2 MiB = 64 MiB).
 */
export const DEFAULT_BLOCKSTORE_CONCURRENCY = 32

/** Block sizes remembered by the server (sizes of content-addressed blocks never change). */
export const DEFAULT_BLOCK_SIZE_CACHE_ENTRIES = 65_536

/**
 * Bytes of blocks the server keeps after reading them for one peer, for the other peers that want them too:
 * sixteen 1 MiB blocks, about how far apart the peers of a crowd fetching one file are.
 */
export const DEFAULT_SHARED_BLOCK_BYTES = 16 * 1024 * 1024

/** Client: a want sent this long ago is sent again, in case the peer lost it. */
export const DEFAULT_REBROADCAST_INTERVAL = 30_000

/** Client: attempts to send one message to a peer before giving up on it. */
export const DEFAULT_MAX_SEND_ATTEMPTS = 3

/** Client: pause between send attempts; doubles after each failure. */
export const DEFAULT_SEND_RETRY_DELAY = 100

/** Client: first idle tick of a session, and the base of later ones until latency is known. */
export const DEFAULT_PROVIDER_SEARCH_DELAY = 1000

/** Client: a session with wants left searches for providers of a random one this often. */
export const DEFAULT_PERIODIC_SEARCH_DELAY = 60_000

/** Client: later idle ticks wait this plus 3 x the session's average latency, times (1 + ticks in a row). */
export const BASE_TICK_DELAY = 500

/**
 * Client: wants one `getBlocks` call registers at once; its other CIDs wait as the caller gave them, and one is
 * wanted each time the caller takes a block. A walk asks a whole level of a DAG at once (16,000 leaves for 16 MiB
 * in 1 KiB chunks), and each registered want costs a session entry, a waiter and queue entries: this bounds that
 * memory, and a caller that takes blocks slower than they come (a slow disk) holds back the wants that follow.
 * Several times the per-peer window, so four peers still each have a full window of wants.
 */
export const DEFAULT_MAX_BATCH_WANTS = 4096

/**
 * Client: bytes of blocks one `getBlocks` call may have wanted and not yet taken, each want reckoned at the mean
 * size of the blocks the caller took so far (before the first, at `MAX_BLOCK_SIZE`: 16 wants, one round trip
 * before a level of small blocks opens its whole window). `maxBatchWants` alone let a level of a thousand 1 MiB
 * leaves be wanted at once, and what the disk had not yet taken waited in memory (176 MiB of a 1 GiB get's
 * 288 MiB peak), and with no bound in bytes a level of a larger file could hold gigabytes. Small blocks never
 * reach it (4096 x 64 KiB). 32 MiB cost a whole `get` of 128 MiB in 1 MiB blocks from `serve` about a fifth of its
 * speed (the walk stores each block before taking the next, so a tight window makes the network wait on the
 * disk: 0.80x Kubo's speed against 1.00-1.03x before it, 5 rounds each, quiet machine); 256 MiB measured 0.90-0.96x.
 */
export const DEFAULT_MAX_BATCH_BYTES = 256 * 1024 * 1024

/** Client: wants a session broadcasts at once, while discovering peers and on idle ticks. */
export const DEFAULT_BROADCAST_LIVE_WANTS_LIMIT = 64

/** Client: recently received CIDs the node remembers, with the sessions that took them, to count duplicate blocks. */
export const DEFAULT_SESSION_RECEIVED_MEMORY = 65_536

/**
 * Client: blocks up to this size are likely to come back whole for a WANT_HAVE, as Go servers (and ours, by
 * default) answer one that way; a session of such blocks stops asking several peers at once.
 */
export const SMALL_BLOCK_SIZE = 1024

/** Client: a want every session peer refused is asked again after this many ms, doubling each time (default). */
export const DEFAULT_DONT_HAVE_RETRY_DELAY = 1000

/**
 * Client: times a session dials a disconnected peer again while it has no other peer. A peer that closed the
 * connection may still be up (a restart, an idle-connection trim); one that keeps closing it is given up on.
 */
export const DEFAULT_SESSION_REDIALS = 2

/** Client: consecutive DONT_HAVEs after which a peer leaves a session (unless it holds a HAVE for a live want). */
export const DEFAULT_PEER_DONT_HAVE_LIMIT = 16

/**
 * Provider lookups running at once; more wait in arrival order. Each lookup holds a routing query open (for the
 * DHT, many parallel RPCs), so this bounds memory and sockets; Go lowered it from 16 to 8 for the same reason.
 */
export const DEFAULT_PROVIDER_QUERY_CONCURRENCY = 8

/** A provider lookup gives up after this many ms; providers found until then are kept. */
export const DEFAULT_PROVIDER_QUERY_TIMEOUT = 10_000

/** A provider lookup stops once this many providers were dialled successfully: enough to fetch from. */
export const DEFAULT_MAX_PROVIDERS_PER_QUERY = 10

/** Dials to newly found providers in flight at once, over all lookups. */
export const DEFAULT_PROVIDER_DIAL_CONCURRENCY = 16

/** Time we give a peer to answer a WANT_BLOCK (with the block, a HAVE or a DONT_HAVE) before we know its latency. */
export const DEFAULT_DONT_HAVE_TIMEOUT = 5000

/** Floor of the DONT_HAVE timeout: below it, ordinary jitter on a fast link would fake missing answers. */
export const MIN_DONT_HAVE_TIMEOUT = 50

/** Ceiling of the DONT_HAVE timeout: the default plus the time a busy peer may take to process a want. */
export const MAX_DONT_HAVE_TIMEOUT = 7000

/** Slack for a peer to look a want up and queue its answer, added to the ping-based DONT_HAVE timeout. */
export const MAX_EXPECTED_WANT_PROCESS_TIME = 2000

/** The ping-based DONT_HAVE timeout allows this many round trips on top of the processing slack. */
export const PING_LATENCY_MULTIPLIER = 3

/**
 * Each WANT_BLOCK a peer holds from us unanswered, beyond the first, adds this many ms to its DONT_HAVE
 * allowance (up to the ceiling): a peer asked for a thousand blocks at once needs longer to start answering than one asked for one,
 * and without this a burst of wants sent after a tiny block taught a 50 ms timeout expired all at once.
 */
export const PENDING_WANT_ALLOWANCE = 1

/** The DONT_HAVE timeout is this many times the average time a peer took to answer our wants. */
export const MESSAGE_LATENCY_MULTIPLIER = 2

/**
 * Weight of the newest sample in the average answer time. The first samples use 1/n (a plain mean), so one early
 * sample does not count for more than its share; from then on this weight holds.
 */
export const MESSAGE_LATENCY_ALPHA = 0.5

/**
 * Weight of the newest sample in the average deviation of answer times from their average. Low, so one odd
 * answer widens the timeout a little and a run of them (a peer or a machine short of CPU) widens it a lot.
 */
export const MESSAGE_DEVIATION_ALPHA = 0.25

/**
 * The DONT_HAVE timeout is at least the average answer time plus this many average deviations. Twice a steady
 * average is slack enough; answers that vary (a seed that gets the CPU in slices on a loaded machine answers in
 * 10 ms, then in 200) are not late at 2x their average, and taking them for DONT_HAVE sends their blocks to other
 * seeds while the first ones are still coming: duplicates. Four deviations keep such spells out of the timeout.
 */
export const MESSAGE_DEVIATION_MULTIPLIER = 4

/** An answer slower than this says more about a stalled peer than about the link, so it is not a latency sample. */
export const MAX_VALID_LATENCY = 30_000

/**
 * Client: wants one peer holds from us at once. Servers keep about this many per peer (and drop the rest), so
 * sending more only makes them wait for a rebroadcast; the rest go out as earlier ones are answered. A block the
 * peer sent keeps its place until it is written to the blockstore, so this also bounds the blocks received from
 * one peer and still waiting for a slow disk: the store's back-pressure on the network.
 */
export const DEFAULT_MAX_WANTS_IN_FLIGHT_PER_PEER = 1024
