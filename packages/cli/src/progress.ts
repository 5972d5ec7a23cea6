import cliProgress from 'cli-progress'

/** A progress bar (bytes, blocks, rate) when the output is a terminal; nothing otherwise. */
export interface ProgressBar {
  update: (blocks: number, bytes: number) => void
  stop: () => void
}

export function progressBar (enabled: boolean): ProgressBar {
  if (!enabled || process.stderr.isTTY !== true) return { update: () => {}, stop: () => {} }
  const started = performance.now()
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: '{spinner} {mb} MB  {blocks} blocks  {rate} MB/s',
    hideCursor: true,
    noTTYOutput: false
  }, cliProgress.Presets.shades_classic)
  bar.start(0, 0, { mb: '0.0', blocks: 0, rate: '0.0', spinner: '-' })
  const spin = ['-', '\\', '|', '/']
  let tick = 0
  return {
    update: (blocks, bytes) => {
      const seconds = (performance.now() - started) / 1000
      bar.update(0, { mb: (bytes / 1e6).toFixed(1), blocks, rate: (bytes / 1e6 / Math.max(seconds, 0.001)).toFixed(1), spinner: spin[tick++ % 4] })
    },
    stop: () => { bar.stop() }
  }
}
