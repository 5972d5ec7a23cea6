import { defaultLogger, type ComponentLogger, type Logger } from '@libp2p/logger'

/**
 * The default libp2p loggers, made once per component name and shared by every node of every run in this
 * thread. A logger depends only on its name and the DEBUG setting, while making one (a debug instance and a
 * terminal check) was a visible part of setting up a swarm: core makes one per peer queue, and a 300-node run
 * has tens of thousands of queues.
 */
export function sharedLogger (): ComponentLogger {
  return SHARED
}

const made = new Map<string, Logger>()

const SHARED: ComponentLogger = {
  forComponent (name: string): Logger {
    let log = made.get(name)
    if (log == null) {
      log = defaultLogger().forComponent(name)
      made.set(name, log)
    }
    return log
  }
}
