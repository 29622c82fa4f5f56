/**
 * @module config-values
 * One zod schema per row of the contract's ENV table (src/contract/env.ts), built from the row's
 * type, bounds and values, so the parser follows the table: change a bound there and the parser
 * changes with it. The value syntax is the contract's (docs/contenders.md, "Value syntax"), the
 * same on every contender; each failure message is the "reason" part of the config error line.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { z } from 'zod'
import { CONTENDER_NAME_PATTERN, type EnvVar } from '../contract/env.ts'
import { notKeyValueReason } from '../contract/redact.ts'
import { CONSUMER_ONLY_PROPERTIES } from '../contract/rules.ts'

/** Plain decimal digits with an optional leading minus: no `0x10`, `1_0`, `1e3`, `1.0`, spaces. */
const INTEGER = /^-?[0-9]+$/
// Kafka's own rule (kafka.common.internals.Topic): these characters, 1 to 249, and not . or ..
const TOPIC = /^(?!\.\.?$)[A-Za-z0-9._-]{1,249}$/
/** `host:port`; a host is a name, an IPv4 address or a bracketed IPv6 address */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s,:[\]]+):([^\s,:]*)$/

const between = (min: number, max: number) => `must be between ${min} and ${max}`
const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message

function integer(row: EnvVar) {
  const min = row.min ?? Number.MIN_SAFE_INTEGER
  const max = row.max ?? Number.MAX_SAFE_INTEGER
  return z
    .string()
    .regex(INTEGER, 'must be an integer')
    .transform(Number)
    .refine((n) => n >= min && n <= max, between(min, max))
}

function hostports() {
  // one reason for every way it is wrong, word for word as the other contenders say it
  const reason = 'must be host:port[,host:port...] with every port 1-65535'
  return z.string().refine(
    (value) =>
      value.split(',').every((item) => {
        const port = HOST_PORT.exec(item)?.[2]
        return port !== undefined && INTEGER.test(port) && Number(port) >= 1 && Number(port) <= 65_535
      }),
    reason,
  )
}

/**
 * Items are trimmed and empty ones skipped; each needs a non-empty key. The bad item is named as
 * it may be printed (a secret's value redacted, src/contract/redact.ts).
 */
function properties() {
  return z.string().superRefine((value, ctx) => {
    const items = value.split(',')
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!.trim()
      if (item === '') continue
      const eq = item.indexOf('=')
      if (eq < 0 || item.slice(0, eq).trim() === '')
        return void ctx.addIssue({ code: 'custom', message: notKeyValueReason(value, i) })
    }
    // librdkafka would accept a consumer's property and ignore it: the report would state a
    // setting that never took effect
    const consumerOnly = items
      .map((item) => item.split('=')[0]!.trim())
      .find((key) => (CONSUMER_ONLY_PROPERTIES as readonly string[]).includes(key))
    if (consumerOnly !== undefined)
      ctx.addIssue({ code: 'custom', message: `${consumerOnly} is a consumer property: a producer ignores it` })
  })
}

function url(protocols: readonly string[], message: string) {
  return z.string().refine((value) => {
    try {
      const parsed = new URL(value)
      return protocols.includes(parsed.protocol) && parsed.host !== ''
    } catch {
      return false
    }
  }, message)
}

/** Must exist, be a regular file, and be readable by this process. */
function readableFile() {
  return z.string().superRefine((path, ctx) => {
    try {
      accessSync(path, constants.R_OK)
    } catch (error) {
      return void ctx.addIssue({ code: 'custom', message: `cannot be read (${errorCode(error)})` })
    }
    if (!statSync(path).isFile()) ctx.addIssue({ code: 'custom', message: 'must be a file' })
  })
}

/**
 * Created if missing, then proven writable by writing and removing a probe file: access(W_OK)
 * says yes to root on a read-only mount, and a report that cannot be written after a whole run
 * is the failure this check exists to prevent.
 */
/**
 * mkdir -p, one component at a time: Node 20's `mkdirSync(path, { recursive: true })` spins
 * forever on some paths (e.g. under /proc, where mkdir answers ENOENT for a parent that exists).
 */
function makeDirs(path: string): void {
  const missing: string[] = []
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) missing.unshift(dir)
  for (const dir of missing) mkdirSync(dir)
}

function writableDir() {
  return z.string().superRefine((path, ctx) => {
    try {
      makeDirs(path)
    } catch (error) {
      return void ctx.addIssue({ code: 'custom', message: `cannot be created (${errorCode(error)})` })
    }
    const probe = join(path, `.write-check-${process.pid}`)
    try {
      // exclusive: never through a link planted at the probe's name
      writeFileSync(probe, '', { flag: 'wx' })
      unlinkSync(probe)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `is not writable (${errorCode(error)})` })
    }
  })
}

/** The schema of one ENV row; its output is a number for `int` rows and a string otherwise. */
export function valueSchema(row: EnvVar): z.ZodType<string | number, string> {
  switch (row.type) {
    case 'int':
      return integer(row)
    case 'enum': {
      const values = row.values ?? []
      return z.string().refine((v) => values.includes(v), `must be one of ${values.join(', ')}`)
    }
    case 'string':
      return z.string().min(1, 'must not be empty')
    case 'name':
      return z
        .string()
        .regex(new RegExp(row.pattern ?? CONTENDER_NAME_PATTERN), `must match ${row.pattern ?? CONTENDER_NAME_PATTERN}`)
    case 'hostports':
      return hostports()
    case 'topic':
      return z
        .string()
        .regex(TOPIC, 'must be a legal Kafka topic name ([A-Za-z0-9._-], 1 to 249 characters, not . or ..)')
    case 'properties':
      return properties()
    case 'http-url':
      return url(['http:', 'https:'], 'must be an http(s) URL')
    case 'ws-url':
      return url(['ws:', 'wss:'], 'must be a ws(s) URL')
    case 'file':
      return readableFile()
    case 'dir':
      return writableDir()
  }
}
