/**
 * @module bench/provenance
 * What a run was made from, so a result can be traced and repeated: the project's git commit and
 * whether the tree had uncommitted changes (read at the run's start; "unknown" when git or the
 * repository is absent, never a failure), the exact command line with any secret redacted, and
 * the registry entries of the contenders that ran with the runtime version each reported.
 */
import { execFileSync } from 'node:child_process'
import type { ContenderProvenance, Provenance } from '../comparison/input.ts'
import { redactPropertiesText, redactUrl } from '../contract/redact.ts'
import type { Report } from '../contract/report.ts'
import { ROOT } from '../paths.ts'
import { REGISTRY } from '../registry/registry.ts'

/** git's answer within this time and size, or undefined (git absent, not a repository, hung) */
function git(args: string[], cwd: string): { out: string } | { overflow: true } | undefined {
  try {
    const out = execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      timeout: 10_000,
      maxBuffer: 1 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return { out }
  } catch (error) {
    // a status longer than the buffer is a dirty tree, not an unknown one
    if ((error as NodeJS.ErrnoException).code === 'ENOBUFS') return { overflow: true }
    return undefined
  }
}

export function gitState(cwd = ROOT): Pick<Provenance, 'commit' | 'dirty'> {
  const head = git(['rev-parse', '--verify', 'HEAD'], cwd)
  const commit = head && 'out' in head && /^[0-9a-f]{40,64}$/.test(head.out.trim()) ? head.out.trim() : 'unknown'
  if (commit === 'unknown') return { commit, dirty: 'unknown' }
  const status = git(['status', '--porcelain'], cwd)
  return { commit, dirty: status === undefined ? 'unknown' : 'overflow' in status || status.out.trim().length > 0 }
}

/** One argument as a POSIX shell reads it back: bare when it holds nothing the shell would read, else single-quoted. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}

/** An argument with a URL's user info and the values of secret `k=v` properties replaced. */
export function redactArgument(arg: string): string {
  const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
  const [flag, value] = eq > 0 ? [arg.slice(0, eq + 1), arg.slice(eq + 1)] : ['', arg]
  const shown = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) ? redactUrl(value) : redactPropertiesText(value)
  return flag + shown
}

/** The command line as typed, redacted, quoted so it can be pasted back into a shell. */
export function commandLine(argv: string[], command = 'bun run bench'): string {
  return [command, ...argv.map((a) => shellWord(redactArgument(a)))].join(' ')
}

/** The registry entries of the contenders that reported, with the runtime version each reported. */
export function contendersThatRan(reports: Report[]): ContenderProvenance[] {
  const seen = new Map<string, Report>()
  for (const r of reports) if (!seen.has(r.contender)) seen.set(r.contender, r)
  return [...seen.values()].map((r) => {
    const entry = REGISTRY.find((e) => e.name === r.contender)
    return {
      name: r.contender,
      runtime: `${r.runtime.name} ${r.runtime.version}`,
      websocket: entry?.websocket ?? r.runtime.websocket,
      binding: entry?.kafkaBinding ?? r.runtime.kafkaBinding,
      tier: entry?.tier ?? 'unregistered',
      glue: entry?.glue ?? 'unregistered: no registry entry',
    }
  })
}
