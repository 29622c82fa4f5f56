/**
 * @module librdkafka/settings-file
 * The producer settings file (PRODUCER_SETTINGS, config/producer-settings.json by default), read
 * the one way every reader in TypeScript reads it (the contenders, the ceilings, the broker
 * checks): a regular file of at most SETTINGS_FILE.maxBytes holding one JSON object whose values
 * are all strings; keys starting with `$` are comments and dropped. librdkafka itself judges names
 * and values (rd_kafka_conf_set).
 */
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs'
import { z } from 'zod'
import { SETTINGS_FILE } from '../contract/rules.ts'

/** Why the file was refused (the caller names the file and the variable). */
export class SettingsFileError extends Error {
  override name = 'SettingsFileError'
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} ${reason}`)
  }
}

/**
 * Strings only: a number or boolean would be stringified differently by each language (1.0, True),
 * and the bench compares the effective settings of every report as strings.
 */
const SettingsFile = z.record(z.string(), z.string())

/**
 * A regular file of at most SETTINGS_FILE.maxBytes: a FIFO (whose open blocks until a writer
 * comes), a device that never ends or a huge file must not hang the start or take the memory.
 */
function readBounded(path: string): string {
  const cannot = (error: unknown) =>
    new SettingsFileError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  let fd: number
  try {
    if (!statSync(path).isFile()) throw new SettingsFileError(path, 'must be a file')
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw error instanceof SettingsFileError ? error : cannot(error)
  }
  try {
    const buffer = Buffer.alloc(SETTINGS_FILE.maxBytes + 1)
    let length = 0
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > SETTINGS_FILE.maxBytes)
      throw new SettingsFileError(path, `is larger than ${SETTINGS_FILE.maxBytes} bytes`)
    return buffer.subarray(0, length).toString('utf8')
  } catch (error) {
    throw error instanceof SettingsFileError ? error : cannot(error)
  } finally {
    closeSync(fd)
  }
}

/** The file's properties, comments dropped; throws SettingsFileError. */
export function readSettingsFile(path: string): Record<string, string> {
  const text = readBounded(path)
  const refuse = (reason: string) => new SettingsFileError(path, reason)
  let raw: unknown
  try {
    // JSON.parse refuses anything after the value but whitespace: "nothing after it" comes free
    raw = JSON.parse(text)
  } catch (error) {
    throw refuse(`must hold one JSON object of strings and nothing after it (${(error as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw refuse(
      `must hold one JSON object of strings, not ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`}`,
    )
  }
  const parsed = SettingsFile.safeParse(raw)
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]!.path[0])
    throw refuse(
      `${JSON.stringify(key)} must be a string, not ${JSON.stringify((raw as Record<string, unknown>)[key])}`,
    )
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([key]) => !key.startsWith(SETTINGS_FILE.commentPrefix)))
}
