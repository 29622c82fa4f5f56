/**
 * @module bench/shutdown
 * What a signal to the bench (or to `bun run test`) does: run the registered clean-up once
 * (contenders, feed, broker), then exit with 128 + the signal number. A second signal while
 * cleaning up does not cut the clean-up short; a clean-up that hangs is abandoned after a bound,
 * so Ctrl-C always ends the process.
 */

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const
type Signal = keyof typeof SIGNALS

const CLEANUP_BOUND_MS = 30_000

let stopping = false

/** True once a signal started the clean-up: the main flow must then leave the exit to it. */
export function shutdownInProgress(): boolean {
  return stopping
}

/** Wraps a clean-up so that however many paths call it (signal, finally), it runs once. */
export function once(cleanup: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined
  return () => (done ??= cleanup())
}

/** Registers `cleanup` for SIGINT, SIGTERM and SIGHUP; returns a function that unregisters it. */
export function onShutdown(cleanup: () => Promise<void>): () => void {
  let running = false
  const handler = (signal: Signal) => {
    if (running) return
    running = true
    stopping = true
    console.error(`\n${signal}: stopping contenders, feed and broker ...`)
    const bound = setTimeout(() => process.exit(128 + SIGNALS[signal]), CLEANUP_BOUND_MS)
    cleanup()
      .catch((error) => console.error(`clean-up after ${signal}: ${(error as Error).message}`))
      .finally(() => {
        clearTimeout(bound)
        process.exit(128 + SIGNALS[signal])
      })
  }
  const listeners = (Object.keys(SIGNALS) as Signal[]).map((signal) => {
    const listener = () => handler(signal)
    process.on(signal, listener)
    return [signal, listener] as const
  })
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener)
  }
}
