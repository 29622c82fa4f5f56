/**
 * @module entry-point
 * The one convention every command-line entry point follows (scripts/, the ceiling tools, the
 * contenders in every language): `--help` prints the usage on stdout and exits 0; an unknown
 * option or a bad value prints one line on stderr naming it and how to get help, and exits 2,
 * never a stack trace. src/entry-points.test.ts holds every entry point to it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** The exit code of a bad command line (the contract's EXIT.config is the same 2 for the contenders). */
export const EXIT_USAGE = 2

export interface EntryPoint {
  /** the name that starts each error line, e.g. `feed` */
  name: string
  /** how a person starts it, e.g. `bun run feed`; the error line points at `<command> --help` */
  command: string
  /** the text `--help` prints */
  usage: string
}

export function wantsHelp(args: readonly string[]): boolean {
  // after `--` everything is positional; -h is nobody's other flag
  const end = args.indexOf('--')
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

/** `name: message (see command --help)`, the one error line of a bad command line. */
export function usageErrorLine(entry: EntryPoint, message: string): string {
  return `${entry.name}: ${message} (see \`${entry.command} --help\`)`
}

export function usageError(entry: EntryPoint, message: string): never {
  console.error(usageErrorLine(entry, message))
  process.exit(EXIT_USAGE)
}

/** Prints the usage and exits 0 when `args` asks for help. */
export function answerHelp(entry: EntryPoint, args: readonly string[]): void {
  if (!wantsHelp(args)) return
  console.log(entry.usage)
  process.exit(0)
}

/**
 * node:util's parseArgs (strict) under the convention: `--help` answered first, a parse error
 * (unknown option, a missing value, a stray positional) is one line and exit 2.
 */
export function parseCli<T extends ParseArgsConfig>(
  entry: EntryPoint,
  config: T,
): ReturnType<typeof parseArgs<T & { strict: true }>> {
  const args = config.args ?? process.argv.slice(2)
  answerHelp(entry, args)
  try {
    return parseArgs({ ...config, args, strict: true }) as ReturnType<typeof parseArgs<T & { strict: true }>>
  } catch (error) {
    // node's message goes on to explain `--`; its first sentence names the option
    usageError(entry, (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ''))
  }
}

/** The first zod issue as `--flag "value": reason`. */
export function flagIssue(
  issue: { path: PropertyKey[]; message: string },
  values: Readonly<Record<string, unknown>>,
): string {
  const flag = String(issue.path[0] ?? '')
  const value = values[flag]
  return `--${flag}${value === undefined || typeof value === 'boolean' ? '' : ` ${JSON.stringify(value)}`}: ${issue.message}`
}
