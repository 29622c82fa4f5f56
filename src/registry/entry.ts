/**
 * @module registry/entry
 * What a contender declares to enter the field: who it is (name, language, runtime, WebSocket
 * client, Kafka binding, glue tier), how set-up builds it, and the command that runs it. The
 * harness (set-up, the bench, the comparison, the conformance suite) knows contenders only through
 * these declarations (src/registry/registry.ts).
 */
import { z } from 'zod'

/**
 * A contender name: what the bench passes as CONTENDER, the report's `contender`, the topic's
 * suffix and the `contender` header. The contract's `name` rule (src/contract/env.ts) is the same.
 */
export const ContenderName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a-z, 0-9 and -, starting with a letter, ≤ 32')

/**
 * as-shipped: the runtime's mainstream binding and WebSocket client used as their docs show;
 * tuned: the thinnest glue the runtime allows, as its expert would write it for this job.
 */
export type GlueTier = 'as-shipped' | 'tuned'

/** One cached set-up step; steps with the same id are shared (run once) between contenders. */
export interface SetupStep {
  id: string
  /** the line set-up prints while it works */
  name: string
  done(): boolean
  work(): Promise<void>
}

/** What a contender's build needs from the shared set-up (the one librdkafka). */
export interface BuildContext {
  librdkafkaPrefix: string
  librdkafkaVersion: string
}

/** How a runtime's version is read: a command whose output the pattern's first group matches. */
export interface VersionProbe {
  command: string[]
  pattern: RegExp
}

/** A command one of a contender's own checks runs. */
export interface CheckCommand {
  cmd: string[]
  /** from the repository root */
  cwd: string
  env?: Record<string, string>
  /** a check that prints what is wrong and still exits 0 (gofmt -l): any output fails it */
  failsOnOutput?: boolean
}

/**
 * A language's own tests and linters for a contender's source, run by `bun run test` (the unit
 * part also by `--unit`) and by the lint step. Contenders that share a source share one id.
 */
export interface OwnChecks {
  id: string
  /** no broker, no contender program (`bun run test --unit`) */
  unit: CheckCommand
  /** everything, given KAFKA_BOOTSTRAP_SERVERS (the full run) */
  full: CheckCommand
  /** format and static checks: failing any fails the lint step */
  lint: { name: string; command: CheckCommand }[]
}

export interface ContenderEntry {
  name: string
  /** the language its source is written in */
  language: string
  runtime: { name: string; version: VersionProbe }
  websocket: string
  kafkaBinding: string
  tier: GlueTier
  /** one line: what the glue between the runtime and librdkafka is */
  glue: string
  /** folders and files (from the repository root) whose content is this contender's build */
  sources: string[]
  /** the set-up steps that build it, in order */
  setup(context: BuildContext): SetupStep[]
  /** its language's own tests and linters (the TypeScript ones run as part of bun's suite) */
  checks?(context: BuildContext): OwnChecks
  /** the command that runs it (set-up has built it); throws naming the fix when it has not */
  command(): string[]
  /** chart colour (CSS) */
  color: string
  /** which column of the original project's expected-results table (its Go and its Python producer) it answers */
  original?: 'Go' | 'Python'
}
