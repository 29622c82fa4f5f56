/**
 * A signal to `bun run bench` stops everything it started: the contenders, the feed and the
 * embedded broker (its own, started for this test), and no child outlives it.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../paths.ts'

/** pids whose command line or environment mentions `needle` (other than ours) */
function processesMentioning(needle: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      const text = readFileSync(`/proc/${pid}/cmdline`, 'latin1') + readFileSync(`/proc/${pid}/environ`, 'latin1')
      if (text.includes(needle)) pids.push(pid)
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}

const EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const

test.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
  '%s to the bench stops the contenders, the feed and its broker, and exits 128 + signal',
  async (signal) => {
    const out = mkdtempSync(join(tmpdir(), 'ukb-signal-'))
    // its own broker: the variable removed, not set to an empty or 'undefined' string
    const { KAFKA_BOOTSTRAP_SERVERS: _shared, ...env } = process.env
    const proc = Bun.spawn(
      [
        'bun',
        'scripts/bench.ts',
        '--out',
        out,
        '--charts',
        join(out, 'charts'),
        '--contenders',
        'bun',
        '--markets-limit',
        '15',
        '--rounds',
        '1',
        '--duration',
        '30',
        '--rate',
        '200',
      ],
      { cwd: ROOT, stdout: 'pipe', stderr: 'pipe', env },
    )
    let output = ''
    const decoder = new TextDecoder()
    const reader = proc.stdout.getReader()
    // wait until the broker is up and the contender has been started
    while (!/round 1\/1/.test(output)) {
      const chunk = await reader.read()
      if (chunk.done) break
      output += decoder.decode(chunk.value)
    }
    const port = /kafka 127\.0\.0\.1:(\d+)/.exec(output)?.[1]
    if (!port)
      throw new Error(`the bench did not start a broker:\n${output}\n${await new Response(proc.stderr).text()}`)
    await Bun.sleep(1500)
    expect(processesMentioning(out).length).toBeGreaterThan(0)
    proc.kill(signal)
    expect(await proc.exited).toBe(EXIT[signal])
    // the JVM's command line names its data dir, which ends in -<port>
    await Bun.sleep(500)
    expect({ contenders: processesMentioning(out), broker: processesMentioning(`-${port}/server.properties`) }).toEqual(
      { contenders: [], broker: [] },
    )
  },
  120_000,
)
