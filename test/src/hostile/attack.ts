import { Worker } from 'node:worker_threads'

/** One attack, run in a worker thread against `addresses`. */
export interface AttackSpec {
  kind: 'deaf' | 'flood-and-leave' | 'stalled-prefixes' | 'slow-loris' | 'million' | 'want-cancel'
  addresses: string[]
  /** Peers, streams or wants, by kind. */
  count?: number
  /** CIDs the attackers want (deaf, want-cancel). */
  cids?: string[]
  /** New identities a second at most (flood-and-leave; default unpaced), for servers that rate-limit connections. */
  pace?: number
}

export interface Attack {
  /** The attackers are in place (connected, their first bytes written). */
  ready: Promise<void>
  /** The attack ran its course (for the kinds that end by themselves); resolves with what it reports. */
  done: Promise<Record<string, number>>
  /** Stops every attacker node and the worker. */
  stop(): Promise<void>
}

export function attack (spec: AttackSpec): Attack {
  const worker = new Worker(new URL('./attack-worker.js', import.meta.url), { workerData: spec })
  const waiters = new Map<string, (detail: Record<string, number>) => void>()
  const when = async (event: string): Promise<Record<string, number>> => new Promise((resolve, reject) => {
    waiters.set(event, resolve)
    worker.once('error', reject)
  })
  worker.on('message', (message: { event: string } & Record<string, number>) => {
    if (message.event === 'error') {
      for (const [, resolve] of waiters) resolve({ error: 1 })
      return
    }
    waiters.get(message.event)?.(message)
  })
  const ready = when('ready').then(() => {})
  const done = when('done')
  return {
    ready,
    done,
    stop: async () => {
      const stopped = when('stopped')
      worker.postMessage('stop')
      // Attackers that do not stop within a few seconds are ended with their thread, so stopping never hangs.
      let grace: NodeJS.Timeout | undefined
      await Promise.race([stopped, new Promise(resolve => { grace = setTimeout(resolve, 10_000) })])
      clearTimeout(grace)
      await worker.terminate()
    }
  }
}
