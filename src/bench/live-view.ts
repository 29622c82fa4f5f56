/**
 * @module bench/live-view
 * One progress bar per contender while the bench runs (cli-progress): phase, seconds measured,
 * delivered msg/s and pipeline p99. Without a terminal (CI, pipes) it prints a plain line per
 * phase change and per 10 s instead, so logs stay readable.
 */
import cliProgress from 'cli-progress'
import type { ContenderEvent } from './spawn.ts'

export type Phase =
  'set-up' | 'connecting' | 'waiting for start' | 'measuring' | 'flushing' | 'auditing' | 'done' | 'failed'

interface Row {
  phase: Phase
  rate: string
  p99: string
  measured: number
}

export class LiveView {
  private readonly tty = Boolean(process.stdout.isTTY)
  private readonly multi?: cliProgress.MultiBar
  private readonly bars = new Map<string, cliProgress.SingleBar>()
  private readonly rows = new Map<string, Row>()

  constructor(
    names: string[],
    private readonly durationS: number,
  ) {
    if (this.tty) {
      this.multi = new cliProgress.MultiBar(
        {
          format: ' {name} |{bar}| {value}/{total} s  {phase}  {rate} msg/s  p99 {p99} ms',
          hideCursor: true,
          clearOnComplete: false,
          barsize: 30,
        },
        cliProgress.Presets.shades_classic,
      )
    }
    for (const name of names) this.add(name)
  }

  private add(name: string): void {
    const row: Row = { phase: 'set-up', rate: '-', p99: '-', measured: 0 }
    this.rows.set(name, row)
    this.bars.set(
      name,
      this.multi?.create(this.durationS, 0, { name: name.padEnd(5), ...row }) as cliProgress.SingleBar,
    )
  }

  phase(name: string, phase: Phase): void {
    const row = this.rows.get(name)
    if (!row || row.phase === phase) return
    row.phase = phase
    this.render(name, row, true)
  }

  /** Feeds a contender's `@bench` event into its bar. */
  event(name: string, event: ContenderEvent): void {
    const row = this.rows.get(name)
    if (!row) return
    if (event.event === 'ready') row.phase = 'waiting for start'
    if (event.event === 'start') row.phase = 'measuring'
    if (event.event === 'end') row.phase = 'flushing'
    if (event.event === 'report') row.phase = 'done'
    if (event.event === 'metrics') {
      row.measured = Math.min(Math.round(Number(event.offsetMs) / 1000), this.durationS)
      row.rate = String(Math.round(Number(event.deliveredPerSec)))
      row.p99 = (Number(event.pipelineP99Us) / 1000).toFixed(1)
    }
    this.render(name, row, event.event !== 'metrics' || row.measured % 10 === 0)
  }

  private render(name: string, row: Row, printPlain: boolean): void {
    if (this.multi) this.bars.get(name)?.update(row.measured, { ...row })
    else if (printPlain)
      console.log(
        `  ${name.padEnd(5)} ${row.phase.padEnd(17)} ${row.measured}/${this.durationS} s  ${row.rate} msg/s  p99 ${row.p99} ms`,
      )
  }

  stop(): void {
    this.multi?.stop()
  }
}
