/**
 * @module usage
 * `--help` for the TypeScript contenders, generated from the contract's env table the way go's
 * internal/config/usage.go and python's contender/config.py `usage` do, so every language prints
 * the same text.
 */
import { ENV, flagName } from '../contract/env.ts'

/** Every option of the table: flag, variable, values, default and meaning. */
export function usage(): string {
  const lines = ['options (each also an environment variable; flags win):']
  for (const row of ENV) {
    const def = row.default !== undefined ? JSON.stringify(row.default) : row.defaultText
    const values =
      row.type === 'int'
        ? `integer ${row.min}-${row.max}`
        : row.type === 'enum'
          ? `[${(row.values ?? []).join(' ')}]`
          : row.type
    lines.push(`  ${flagName(row.name)} (${row.name}) ${values}, default ${def}`, `      ${row.meaning}`)
  }
  return lines.join('\n')
}
