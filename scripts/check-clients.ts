/**
 * `bun run check:clients` (optional): third-party Upbit clients (ccxt, pyupbit) against the local
 * feed, for ticker, trade and orderbook streams and the market list. Their own venv under
 * .cache/clients-venv (pinned in tools/check-clients/requirements.txt); skipped with a clear message
 * when Python is missing. Exit 0 when every check passes.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { tethered } from '../src/bench/tether.ts'
import { startFeed } from '../src/feed/server.ts'
import { CACHE, ROOT } from '../src/paths.ts'
import { parseCli } from '../src/entry-point.ts'

parseCli(
  {
    name: 'check:clients',
    command: 'bun run check:clients',
    usage: `bun run check:clients

Runs ccxt and pyupbit (ticker, trade, orderbook, market list) against the local feed, in their own
venv under .cache/clients-venv (created on first use). No options.
Exit: 0 every check passed (or skipped without Python); 1 a check failed; 2 bad arguments.`,
  },
  { options: {} },
)

const TOOL = join(ROOT, 'tools', 'check-clients')
const VENV = join(CACHE, 'clients-venv')

function run(cmd: string[], what: string): void {
  const proc = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' })
  if (proc.exitCode !== 0) {
    console.error(
      `check:clients: ${what} failed (exit ${proc.exitCode}):\n${(proc.stdout.toString() + proc.stderr.toString()).split('\n').slice(-20).join('\n')}`,
    )
    process.exit(1)
  }
}

const python = Bun.which('python3')
if (!python) {
  console.log('check:clients: skipped: python3 is missing (apt-get install python3 python3-venv)')
  process.exit(0)
}
const venvPython = join(VENV, 'bin', 'python')
if (!existsSync(venvPython)) {
  console.log('check:clients: creating .cache/clients-venv with ccxt and pyupbit ...')
  run([python, '-m', 'venv', VENV], 'python3 -m venv (apt-get install python3-venv)')
  run([venvPython, '-m', 'pip', 'install', '-q', '-r', join(TOOL, 'requirements.txt')], 'pip install')
}
const feed = await startFeed({ port: 0, rate: 500, seed: 1 })
try {
  const proc = Bun.spawn(
    tethered([venvPython, join(TOOL, 'check_clients.py'), '--rest', feed.httpUrl, '--ws', feed.wsUrl]),
    {
      stdout: 'inherit',
      stderr: 'inherit',
    },
  )
  const code = await proc.exited
  console.log(
    `check:clients: ${code === 0 ? 'every check passed' : 'FAILED'} against the local feed at ${feed.httpUrl}`,
  )
  process.exitCode = code
} finally {
  await feed.stop()
}
