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

/** Why a browser test cannot run here: a failure under CI=true, else the reason to skip with. */
export const NO_CHROMIUM = 'no Chromium installed (apt-get install chromium, or set SWAPWRIGHT_CHROMIUM)'
