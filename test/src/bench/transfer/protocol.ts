/**
 * What the transfer benchmark's driver and its worker processes say to each other over the IPC channel, and the
 * workloads they move.
 */

export type System = 'swapwright' | 'helia' | 'raw'
export const SYSTEMS: readonly System[] = ['swapwright', 'helia', 'raw']

export interface Workload {
  name: WorkloadName
  count: number
  size: number
  label: string
}

export type WorkloadName = 'big' | 'small' | 'rss'

export const WORKLOADS: Record<WorkloadName, Workload> = {
  big: { name: 'big', count: 64, size: 1024 * 1024, label: '64 MiB in 1 MiB blocks' },
  small: { name: 'small', count: 10_000, size: 1024, label: '10,000 blocks of 1 KiB' },
  rss: { name: 'rss', count: 256, size: 1024 * 1024, label: '256 MiB in 1 MiB blocks into the fs store' }
}

/** A seed is up: how to reach it, and the CIDs of every workload it serves, in order. */
export interface SeedReady {
  type: 'seed-ready'
  peer: string
  addresses: string[]
  cids: Partial<Record<WorkloadName, string[]>>
}

/** Driver to fetcher: fetch one workload from a seed with a fresh node, and report. */
export interface FetchCommand {
  type: 'fetch'
  workload: WorkloadName
  seed: { peer: string, addresses: string[] }
  /** Swapwright only: further seeds serving the same blocks, all providers of the one session. */
  moreSeeds?: Array<{ peer: string, addresses: string[] }>
  cids: string[]
  /** Where the fetched blocks go: the memory store, or a filesystem store in `dir`. */
  store: 'memory' | 'fs'
  dir?: string
  /** Helia only: gets in flight at once (its server keeps 1024 wants per peer). */
  window?: number
  /** Write a CPU profile of the measured part to this file. */
  profile?: string
}

export interface FetchResult {
  type: 'result'
  ms: number
  /** CPU time of the fetcher process during the measured part, in ms. */
  cpu: number
  /** Swapwright only: ms until the first block was in hand. */
  first?: number
  blocks: number
  bytes: number
  /** Resident set size before the fetch, and the highest seen (sampled every 10 ms in the memory run only). */
  rssBefore: number
  rssPeak: number
  /** The process's peak resident set size since it started, as the OS counts it. */
  maxRss: number
}

export interface FetchFailed {
  type: 'error'
  message: string
}

export interface Stop {
  type: 'stop'
}

/** Starts a CPU profile of the worker, or stops it and writes it to `file`; answered with `profiled`. */
export interface Profile {
  type: 'profile'
  file?: string
}

/** Asks a worker for the CPU time its process has used so far; answered with `cpu`. */
export interface CpuQuery {
  type: 'cpu'
}

export type ToWorker = FetchCommand | Stop | Profile | CpuQuery
export type FromWorker = SeedReady | FetchResult | FetchFailed | { type: 'fetcher-ready' } | { type: 'profiled' } | { type: 'cpu', ms: number }

/** The raw baseline's protocol: the reader names a workload, the writer sends its blocks length-prefixed. */
export const RAW_PROTOCOL = '/swapwright-bench/raw/1.0.0'
