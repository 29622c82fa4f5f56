/**
 * @module conformance/gate
 * Who may race: a contender whose latest conformance record, for the build about to run, has a
 * failed check stays out (the bench names the check and the command that reruns it). One with no
 * record for this build races, and the bench says it is unproven.
 */
import { entryOf } from '../registry/registry.ts'
import { buildHash, readRecord, RECORDS_DIR } from './record.ts'

export interface Gate {
  /** why the race cannot start, one line per contender kept out */
  refused: string[]
  /** contenders racing without a record for their current build */
  unproven: string[]
}

export function conformanceGate(contenders: readonly string[], dir = RECORDS_DIR): Gate {
  const gate: Gate = { refused: [], unproven: [] }
  for (const name of contenders) {
    const record = readRecord(name, dir)
    if (!record || record.build !== buildHash(entryOf(name))) {
      gate.unproven.push(name)
      continue
    }
    const failed = record.checks.filter((c) => c.outcome === 'failed')
    if (failed.length > 0) {
      const shown = failed.slice(0, 3).map((c) => `"${c.check}"`)
      const more = failed.length > 3 ? ` and ${failed.length - 3} more` : ''
      gate.refused.push(
        `${name} failed conformance for this build (${shown.join(', ')}${more}); fix it and run \`bun run conformance ${name}\``,
      )
    }
  }
  return gate
}
