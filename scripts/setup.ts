/**
 * `bun run setup` (also the first step of `bun run test` and `bun run bench`): everything a fresh
 * machine needs, cached under .cache/ (src/setup/steps.ts). `--quiet`: print only what changes.
 */
import { parseCli } from '../src/entry-point.ts'
import { runSetup, StepError } from '../src/setup/steps.ts'

const { values } = parseCli(
  {
    name: 'setup',
    command: 'bun run setup',
    usage: `bun run setup [--quiet]

Everything a fresh machine needs (librdkafka, the Node addon, Go, the Python venv, the contract's
generated files, ...), cached under .cache/; idempotent.
  --quiet   print only the steps that change something
Exit: 0 done; 1 a step failed; 2 bad arguments.`,
  },
  { options: { quiet: { type: 'boolean' } } },
)

runSetup({ quiet: values.quiet === true }).catch((error) => {
  console.error(
    `\n${error instanceof StepError || error?.name === 'PrerequisiteError' ? error.message : (error?.stack ?? error)}`,
  )
  process.exit(1)
})
