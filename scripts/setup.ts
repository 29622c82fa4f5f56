/**
 * `bun run setup` (also the first step of `bun run test` and `bun run bench`): everything a fresh
 * machine needs, cached under .cache/ (src/setup/steps.ts). `--quiet`: print only what changes.
 */
import { runSetup, StepError } from '../src/setup/steps.ts'

runSetup({ quiet: process.argv.includes('--quiet') }).catch((error) => {
  console.error(
    `\n${error instanceof StepError || error?.name === 'PrerequisiteError' ? error.message : (error?.stack ?? error)}`,
  )
  process.exit(1)
})
