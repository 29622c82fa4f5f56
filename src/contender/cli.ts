/**
 * @module cli
 * The contender's process edge, shared by the Bun and Node entries: parse the config and the
 * settings file (`--help`: the usage, exit 0; exit 2 on a bad value, before any connection), run, and map the outcome to the
 * exit codes of src/contract/rules.ts.
 */
import { EXIT } from '../contract/rules.ts'
import { Scrubber } from '../contract/redact.ts'
import type { Contender } from '../contract/report.ts'
import { ConfigError, parseConfig, type Config } from './config.ts'
import { ProgressOut } from './progress.ts'
import { runContender, type RuntimeAdapter } from './run.ts'
import { StartupError } from './startup.ts'
import { usage } from './usage.ts'
import { wantsHelp } from '../entry-point.ts'

export interface Entry {
  runtime: Contender
  /** settings file + KAFKA_PROPERTIES → effective properties; throws ConfigError */
  loadSettings(config: Config): Record<string, string>
  adapter: RuntimeAdapter
}

export async function main(entry: Entry): Promise<never> {
  let config: Config
  let settings: Record<string, string>
  const argv = process.argv.slice(2)
  if (wantsHelp(argv)) {
    console.log(usage())
    process.exit(EXIT.complete)
  }
  try {
    config = parseConfig(process.env, argv, entry.runtime)
    settings = entry.loadSettings(config)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(`config error: ${error.message}`)
    process.exit(EXIT.config)
  }
  const out = new ProgressOut(config.contender, new Scrubber(settings, [config.upbitRestUrl, config.upbitWsUrl]))
  try {
    process.exit(await runContender(config, settings, entry.adapter, out))
  } catch (error) {
    const code = error instanceof StartupError ? error.exitCode : error instanceof ConfigError ? EXIT.config : 1
    out.error((error as Error).message)
    console.error(`[${config.contender}] fatal: ${out.scrub((error as Error).message)}`)
    process.exit(code)
  }
}
