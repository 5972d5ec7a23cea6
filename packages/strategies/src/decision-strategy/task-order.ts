import type { TaskView } from '@swapwright/core'

/** Within one peer's queue: the peer's own priorities first, then first come, first served. */
export function compareTasksByPriority (a: TaskView, b: TaskView): number {
  return (b.priority - a.priority) || (a.seq - b.seq)
}
