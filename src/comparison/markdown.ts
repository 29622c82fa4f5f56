/**
 * @module comparison/markdown
 * Markdown building blocks of the comparison.
 */

/** A markdown table; `|` inside cells is escaped. */
export function table(head: string[], rows: string[][]): string {
  const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ')
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}
