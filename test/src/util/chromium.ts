import { execFileSync } from 'node:child_process'

/** The system's Chromium: SWAPWRIGHT_CHROMIUM, else the first of the usual names on PATH. Nothing downloads a browser. */
export function findChromium (): string | undefined {
  if (process.env.SWAPWRIGHT_CHROMIUM != null && process.env.SWAPWRIGHT_CHROMIUM !== '') return process.env.SWAPWRIGHT_CHROMIUM
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      if (path !== '') return path
    } catch {}
  }
  return undefined
}

const NO_CHROMIUM = 'no Chromium installed (apt-get install chromium, or set SWAPWRIGHT_CHROMIUM)'

/**
 * The Chromium a browser test runs, or undefined after marking the test skipped with the reason: a machine
 * without a browser skips, but under CI=true a missing browser fails the test.
 */
export function chromiumFor (t: { skip: (message: string) => void }): string | undefined {
  const path = findChromium()
  if (path != null) return path
  if (process.env.CI === 'true') throw new Error(`CI=true and ${NO_CHROMIUM}`)
  t.skip(NO_CHROMIUM)
  return undefined
}
