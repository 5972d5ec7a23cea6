/** Columns padded to their widest cell; numbers (right-aligned) are told apart from text by `right`. */
export function renderTable (headers: readonly string[], rows: ReadonlyArray<readonly string[]>, right: (column: number) => boolean = c => c > 0): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map(r => (r[c] ?? '').length)))
  const line = (cells: readonly string[]): string => cells
    .map((cell, c) => right(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))
    .join('  ')
    .trimEnd()
  return [line(headers), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
