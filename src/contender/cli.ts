/**
 * @module cli
 * The contender's process edge: parse config (exit 2 on a bad value, before any connection),
 * run, map failures to the exit codes of docs/contenders.md. Shared by the Bun and Node entries.
 */
import { ConfigError, parseConfig, type Config } from './config.ts'
import { EXIT, runContender, StartupError, type RuntimeAdapter } from './run.ts'
import { ProgressOut } from './progress.ts'
import type { Contender } from '../contract/report.ts'

export interface Entry {
  runtime: Contender
  /** settings file + KAFKA_PROPERTIES → effective properties; throws on a bad pair */
  loadSettings(config: Config): Record<string, string>
  adapter: RuntimeAdapter
}

export async function main(entry: Entry): Promise<never> {
  let config: Config
  let settings: Record<string, string>
  try {
    config = parseConfig(process.env, process.argv.slice(2), entry.runtime)
    settings = entry.loadSettings(config)
  } catch (error) {
    console.error(`config error: ${(error as Error).message}`)
    process.exit(EXIT.config)
  }
  const out = new ProgressOut(config.contender)
  try {
    const code = await runContender(config, settings, entry.adapter, out)
    process.exit(code)
  } catch (error) {
    const code = error instanceof StartupError ? error.exitCode : error instanceof ConfigError ? EXIT.config : 1
    out.event({ event: 'error', message: (error as Error).message })
    console.error(`[${config.contender}] fatal: ${(error as Error).message}`)
    process.exit(code)
  }
}
