/**
 * The lines around each failed test, kept while a step's output streams past. CI shows only the tail
 * of a run's output, and a failure in an early tier scrolls out of it behind later tiers: the run's
 * last lines repeat each failure with the lines bun printed before it (its error and stack).
 */
const CONTEXT_LINES = 20
const MAX_FAILURES = 6
const FAILED_TEST = /^\(fail\) /
/** bun test names each file on a line of its own before the file's results */
const FILE_HEADER = /^(\S+\.test\.ts):$/
/** bun's closing summary repeats every failed test after the last file: not new failures */
const SUMMARY = /^\d+ tests? failed:$/

export class FailureDigest {
  private recent: string[] = []
  private partial = ''
  readonly failures: string[][] = []
  /** the files the failed tests are in, as bun named them (relative to its working directory) */
  readonly failedFiles = new Set<string>()
  private file: string | undefined
  private inSummary = false
  private dropped = 0

  /** Feeds a chunk of a step's output (any split, any stream). */
  push(text: string): void {
    const lines = (this.partial + text).split('\n')
    this.partial = lines.pop() ?? ''
    for (const line of lines) this.line(line)
  }

  /** The unfinished last line, as if it ended. */
  end(): void {
    if (this.partial !== '') this.line(this.partial)
    this.partial = ''
  }

  private line(raw: string): void {
    // eslint-disable-next-line no-control-regex -- colour codes would hide the (fail) prefix
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '')
    const header = FILE_HEADER.exec(line)
    if (header) [this.file, this.inSummary] = [header[1], false]
    if (SUMMARY.test(line)) this.inSummary = true
    if (FAILED_TEST.test(line) && this.inSummary) return
    if (FAILED_TEST.test(line)) {
      if (this.file !== undefined) this.failedFiles.add(this.file)
      if (this.failures.length < MAX_FAILURES) this.failures.push([...this.recent, line])
      else this.dropped += 1
      this.recent = []
      return
    }
    this.recent.push(line)
    if (this.recent.length > CONTEXT_LINES) this.recent.shift()
  }

  /** The digest's text, or '' when no test failed. */
  render(step: string): string {
    if (this.failures.length === 0) return ''
    const blocks = this.failures.map((lines) => lines.map((l) => `   | ${l}`).join('\n'))
    const more = this.dropped > 0 ? `\n   … and ${this.dropped} more failed test(s) above` : ''
    return `\n== ${step}: failed tests, with the lines before each\n${blocks.join('\n   ---\n')}${more}`
  }
}
