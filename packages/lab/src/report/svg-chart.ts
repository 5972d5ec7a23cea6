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
  const parts = chartHead(chart.title, chart.series, width, height)
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

/** One row of an interval chart: a mean and its 95 % bounds (null bounds: a dot without whiskers). */
export interface IntervalRow {
  series: number
  mean: number
  low: number | null
  high: number | null
  /** Printed after the row: the numbers themselves. */
  text: string
}

export interface IntervalGroup {
  label: string
  rows: IntervalRow[]
}

export interface IntervalChart {
  title: string
  series: string[]
  groups: IntervalGroup[]
  /** Draw a zero line and scale each group symmetrically around it (paired differences). */
  zero?: boolean
}

const ROW_HEIGHT = 14

/** The SVG head: size, title, and a legend of one colour per series. */
function chartHead (title: string, series: readonly string[], width: number, height: number, extra = ''): string[] {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="11"${extra}>`,
    `<text x="0" y="14" font-size="14" font-weight="bold">${escapeXml(title)}</text>`
  ]
  series.forEach((name, i) => {
    const x = LABEL_WIDTH + i * 130
    parts.push(`<rect x="${x}" y="24" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`, `<text x="${x + 14}" y="33">${escapeXml(name)}</text>`)
  })
  return parts
}

/**
 * Means with their 95 % intervals as dots and whiskers, each group (scenario) on its own scale: the interval
 * chart of the HTML report. Every row is a `<g class="interval">` whose `data-*` attributes carry the numbers.
 */
export function intervalChartSvg (chart: IntervalChart): string {
  const width = LABEL_WIDTH + BAR_AREA + TEXT_WIDTH + 90
  const heights = chart.groups.map(g => Math.max(1, g.rows.length) * ROW_HEIGHT + GROUP_GAP)
  const height = TOP + heights.reduce((a, b) => a + b, 0) + 8
  const parts = chartHead(chart.title, chart.series, width, height, ' class="interval-chart"')
  let y0 = TOP
  chart.groups.forEach((group, g) => {
    const ends = group.rows.flatMap(r => [r.mean, r.low ?? r.mean, r.high ?? r.mean]).filter(Number.isFinite)
    let lo = Math.min(0, ...ends)
    let hi = Math.max(0, ...ends)
    if (chart.zero === true) {
      const reach = Math.max(Math.abs(lo), Math.abs(hi))
      lo = -reach
      hi = reach
    }
    const x = (v: number): number => LABEL_WIDTH + (hi === lo ? 0 : ((v - lo) / (hi - lo)) * BAR_AREA)
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y0 + (group.rows.length * ROW_HEIGHT) / 2 + 4}" text-anchor="end">${escapeXml(group.label)}</text>`)
    if (chart.zero === true) parts.push(`<line x1="${x(0).toFixed(1)}" y1="${y0}" x2="${x(0).toFixed(1)}" y2="${y0 + group.rows.length * ROW_HEIGHT}" stroke="#999" stroke-dasharray="3,2"/>`)
    group.rows.forEach((row, i) => {
      const y = y0 + i * ROW_HEIGHT + ROW_HEIGHT / 2
      const colour = PALETTE[row.series % PALETTE.length]
      const name = chart.series[row.series] ?? ''
      const data = `data-group="${escapeXml(group.label)}" data-series="${escapeXml(name)}" data-mean="${row.mean}" data-low="${row.low ?? ''}" data-high="${row.high ?? ''}"`
      parts.push(`<g class="interval" ${data}>`)
      if (Number.isFinite(row.mean)) {
        if (row.low != null && row.high != null) {
          parts.push(`<line class="whisker" x1="${x(row.low).toFixed(1)}" y1="${y}" x2="${x(row.high).toFixed(1)}" y2="${y}" stroke="${colour}" stroke-width="2"/>`)
        }
        parts.push(`<circle cx="${x(row.mean).toFixed(1)}" cy="${y}" r="3.5" fill="${colour}"><title>${escapeXml(`${group.label} · ${name}: ${row.text}`)}</title></circle>`)
      }
      parts.push(`<text class="interval-label" x="${LABEL_WIDTH + BAR_AREA + 8}" y="${y + 4}">${escapeXml(row.text)}</text>`, '</g>')
    })
    y0 += heights[g]
  })
  parts.push('</svg>')
  return parts.join('\n')
}

/** One line of a series chart: points [x, y] in data units. */
export interface SeriesLine {
  series: number
  /** Shown on hover and kept in `data-label` (e.g. the seed). */
  label: string
  points: ReadonlyArray<readonly [number, number]>
}

export interface SeriesChart {
  title: string
  series: string[]
  xLabel: string
  yLabel: string
  lines: SeriesLine[]
}

const PLOT_WIDTH = 520
const PLOT_HEIGHT = 200
const PLOT_LEFT = 60

/** Step lines on shared axes from zero (e.g. blocks received over virtual time), one `<polyline class="series">` each. */
export function seriesChartSvg (chart: SeriesChart): string {
  const width = Math.max(PLOT_LEFT + PLOT_WIDTH + 20, LABEL_WIDTH + chart.series.length * 130)
  const top = TOP + 4
  const height = top + PLOT_HEIGHT + 40
  const xMax = Math.max(0, ...chart.lines.flatMap(l => l.points.map(p => p[0])))
  const yMax = Math.max(0, ...chart.lines.flatMap(l => l.points.map(p => p[1])))
  const x = (v: number): number => PLOT_LEFT + (xMax > 0 ? (v / xMax) * PLOT_WIDTH : 0)
  const y = (v: number): number => top + PLOT_HEIGHT - (yMax > 0 ? (v / yMax) * PLOT_HEIGHT : 0)
  const parts = chartHead(chart.title, chart.series, width, height, ' class="series-chart"')
  parts.push(
    `<line x1="${PLOT_LEFT}" y1="${top + PLOT_HEIGHT}" x2="${PLOT_LEFT + PLOT_WIDTH}" y2="${top + PLOT_HEIGHT}" stroke="#666"/>`,
    `<line x1="${PLOT_LEFT}" y1="${top}" x2="${PLOT_LEFT}" y2="${top + PLOT_HEIGHT}" stroke="#666"/>`,
    `<text x="${PLOT_LEFT - 4}" y="${top + 4}" text-anchor="end">${yMax}</text>`,
    `<text x="${PLOT_LEFT - 4}" y="${top + PLOT_HEIGHT}" text-anchor="end">0</text>`,
    `<text x="${PLOT_LEFT + PLOT_WIDTH}" y="${top + PLOT_HEIGHT + 14}" text-anchor="end">${escapeXml(xMax.toFixed(3))}</text>`,
    `<text x="${PLOT_LEFT + PLOT_WIDTH / 2}" y="${top + PLOT_HEIGHT + 28}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text x="12" y="${top + PLOT_HEIGHT / 2}" transform="rotate(-90 12 ${top + PLOT_HEIGHT / 2})" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`
  )
  for (const line of chart.lines) {
    // a step line from the origin: the count holds until the next block arrives
    const coords: string[] = [`${x(0).toFixed(1)},${y(0).toFixed(1)}`]
    let last = 0
    for (const [px, py] of line.points) {
      coords.push(`${x(px).toFixed(1)},${y(last).toFixed(1)}`, `${x(px).toFixed(1)},${y(py).toFixed(1)}`)
      last = py
    }
    const name = chart.series[line.series] ?? ''
    parts.push(`<polyline class="series" data-series="${escapeXml(name)}" data-label="${escapeXml(line.label)}" data-points="${line.points.length}" fill="none" stroke="${PALETTE[line.series % PALETTE.length]}" stroke-width="1.2" stroke-opacity="0.8" points="${coords.join(' ')}"><title>${escapeXml(`${name} ${line.label}`)}</title></polyline>`)
  }
  parts.push('</svg>')
  return parts.join('\n')
}
