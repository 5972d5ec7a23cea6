import { humanBytes, humanDuration, humanRate } from './units.js'

/** Where a piece of work stands: what drives a progress line. */
export interface ProgressState {
  /** Bytes done so far (fetched, read or written), local ones included. */
  done: number
  /** Bytes there are in all, once known. */
  total?: number
  /** Of `done`, the bytes that took the time being measured (over the network, on a resumed fetch); default all. */
  moved?: number
  /** Blocks so far, for fetches. */
  blocks?: number
  /** Seconds since the work started. */
  seconds: number
}

/** What a progress line says, worked out once for both the terminal and `--json`. */
export interface ProgressFigures {
  done: number
  total?: number
  /** Whole percent done, once the total is known. */
  percent?: number
  /** Bytes per second over what was moved. */
  bytesPerSecond: number
  /** Seconds left at that rate, once the total is known and something has moved. */
  etaSeconds?: number
}

/** Seconds of work before an ETA is given. */
export const ETA_AFTER = 1

export function progressFigures (state: ProgressState): ProgressFigures {
  const moved = state.moved ?? state.done
  const bytesPerSecond = state.seconds > 0 ? moved / state.seconds : 0
  const figures: ProgressFigures = { done: state.done, bytesPerSecond }
  if (state.total != null && state.total > 0) {
    figures.total = state.total
    figures.percent = Math.min(100, Math.floor(state.done / state.total * 100))
    // The first second's rate is mostly the start (dials, the first round trip): no guess from it.
    if (bytesPerSecond > 0 && state.seconds >= ETA_AFTER) figures.etaSeconds = Math.max(0, state.total - state.done) / bytesPerSecond
  }
  return figures
}

const BAR_WIDTH = 24

/**
 * One progress line: `fetching [=====-----]  45%  28.8 MiB / 64.0 MiB  203 blocks  53.3 MiB/s  ETA 0.7 s` once the
 * total is known (the time taken once done), and the bytes, blocks and rate without it.
 */
export function renderProgress (label: string, state: ProgressState): string {
  const figures = progressFigures(state)
  const rate = humanRate(state.moved ?? state.done, state.seconds)
  const blocks = state.blocks == null ? '' : `  ${state.blocks} blocks`
  if (figures.total == null || figures.percent == null) return `${label} ${humanBytes(state.done)}${blocks}  ${rate}`
  const filled = Math.round(figures.percent / 100 * BAR_WIDTH)
  const bar = '='.repeat(filled) + '-'.repeat(BAR_WIDTH - filled)
  const eta = figures.percent === 100
    ? `  in ${humanDuration(state.seconds)}`
    : figures.etaSeconds == null ? '' : `  ETA ${humanDuration(figures.etaSeconds)}`
  return `${label} [${bar}] ${String(figures.percent).padStart(3)}%  ${humanBytes(state.done)} / ${humanBytes(figures.total)}${blocks}  ${rate}${eta}`
}

/** A progress line redrawn in place on a terminal; nothing otherwise (scripts get `--json` events instead). */
export interface ProgressBar {
  update: (state: ProgressState) => void
  stop: () => void
  /** Settles once the line is on screen (or cannot be): the code that draws it loads only when a line is drawn. */
  shown: Promise<void>
}

const OFF: ProgressBar = { update: () => {}, stop: () => {}, shown: Promise.resolve() }

/**
 * The drawing library is loaded here, when a terminal will show the line, not with the command: a `get --json`
 * or a get whose output is piped never draws one, and loading it delayed every start (by a few milliseconds of
 * the ~200 ms budget before the first want). Updates before it has loaded are kept: it starts from the latest.
 */
export function progressBar (label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!enabled || stream.isTTY !== true) return OFF
  let state: ProgressState = { done: 0, seconds: 0 }
  let bar: { update: (value: number) => void, stop: () => void } | undefined
  let stopped = false
  const shown = import('cli-progress').then(({ default: cliProgress }) => {
    const drawn = new cliProgress.SingleBar({
      stream,
      format: () => renderProgress(label, state),
      hideCursor: true,
      // at most ten redraws a second, whatever the block rate
      fps: 10
    })
    drawn.start(1, 0)
    bar = drawn
    // work that ended before the line could be drawn still leaves its last state on screen
    if (stopped) drawn.stop()
  }, () => {
    // a line that cannot be drawn (a damaged installation) is no reason to fail the work it reports on
  })
  return {
    update: (next) => {
      state = next
      bar?.update(0)
    },
    stop: () => {
      stopped = true
      bar?.stop()
    },
    shown
  }
}
