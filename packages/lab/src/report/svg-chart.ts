import { escapeXml } from './escape.js'

/** Colour-blind-safe palette (Okabe-Ito), one colour per strategy set. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']

export interface BarGroup {
  label: string
  /** One value per series, in series order; NaN for none. */
  values: number[]
  /** Printed at the end of each bar. */
  texts: string[]
}

export interface BarChart {
  title: string
  series: string[]
  groups: BarGroup[]
  /**
   * `group`: each group scaled to its own largest bar, for quantities whose range differs by orders of
   * magnitude between groups (fetch times); `shared`: one axis for all (ratios).
   */
  scale: 'group' | 'shared'
}

const LABEL_WIDTH = 420
const BAR_AREA = 420
const TEXT_WIDTH = 110
const BAR_HEIGHT = 12
const GROUP_GAP = 10
const TOP = 48

/** A horizontal grouped bar chart as a standalone SVG element: no scripts, fonts or external references. */
export function barChartSvg (chart: BarChart): string {
  const width = LABEL_WIDTH + BAR_AREA + TEXT_WIDTH
  const groupHeight = chart.series.length * BAR_HEIGHT + GROUP_GAP
  const height = TOP + chart.groups.length * groupHeight + 8
  const sharedMax = Math.max(0, ...chart.groups.flatMap(g => g.values.filter(Number.isFinite)))
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(chart.title)}" font-family="sans-serif" font-size="11">`,
    `<text x="0" y="14" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`
  ]
  chart.series.forEach((name, i) => {
    const x = LABEL_WIDTH + i * 130
    parts.push(`<rect x="${x}" y="24" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`, `<text x="${x + 14}" y="33">${escapeXml(name)}</text>`)
  })
  chart.groups.forEach((group, g) => {
    const y0 = TOP + g * groupHeight
    const max = chart.scale === 'group' ? Math.max(0, ...group.values.filter(Number.isFinite)) : sharedMax
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y0 + (chart.series.length * BAR_HEIGHT) / 2 + 4}" text-anchor="end">${escapeXml(group.label)}</text>`)
    group.values.forEach((value, i) => {
      const y = y0 + i * BAR_HEIGHT
      const length = Number.isFinite(value) && max > 0 ? Math.max(1, (value / max) * BAR_AREA) : 0
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y + 1}" width="${length.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeXml(`${group.label} · ${chart.series[i]}: ${group.texts[i] ?? ''}`)}</title></rect>`,
        `<text x="${(LABEL_WIDTH + length + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 2}">${escapeXml(group.texts[i] ?? '')}</text>`
      )
    })
  })
  parts.push('</svg>')
  return parts.join('\n')
}
