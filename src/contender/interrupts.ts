/**
 * @module interrupts
 * SIGINT / SIGTERM close the window early (or end the run before it opens): the contender
 * still flushes and writes its report, marked `interrupted`, and exits 130 / 143.
 */

export class Interrupts {
  signal?: 'SIGINT' | 'SIGTERM'
  /** resolves on the first signal, or when the window's end calls `close()` */
  readonly closed: Promise<void>
  private resolve!: () => void
  private readonly handler = (signal: 'SIGINT' | 'SIGTERM') => {
    if (this.signal) return
    this.signal = signal
    this.onSignal(signal)
    this.resolve()
  }

  constructor(private readonly onSignal: (signal: 'SIGINT' | 'SIGTERM') => void) {
    // Node 20 has no Promise.withResolvers
    this.closed = new Promise<void>((r) => (this.resolve = r))
    process.on('SIGINT', this.handler)
    process.on('SIGTERM', this.handler)
  }

  close(): void {
    this.resolve()
  }

  dispose(): void {
    process.off('SIGINT', this.handler)
    process.off('SIGTERM', this.handler)
  }
}
