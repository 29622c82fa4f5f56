/**
 * Plain `bun test` on an integration file, as someone who never heard of `bun run test` runs it:
 * no KAFKA_BOOTSTRAP_SERVERS, no --timeout. It ended in a bare "a beforeEach/afterEach hook timed
 * out" (bun reads no timeout from bunfig.toml, and a broker takes more than bun's 5 s to start);
 * the test preload now gives the run its timeout and a broker of its own, and says so.
 */
import { expect, test } from 'bun:test'
import { ROOT } from '../paths.ts'
import { HARNESS_ENV } from './tiers.ts'

test('plain `bun test <an integration file>` starts its own broker and passes', async () => {
  const { KAFKA_BOOTSTRAP_SERVERS: _broker, [HARNESS_ENV]: _harness, ...env } = process.env
  const proc = Bun.spawn(['bun', 'test', 'src/contender/kafka/ffi-sink.int.test.ts'], {
    cwd: ROOT,
    env,
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  const killer = setTimeout(() => proc.kill('SIGTERM'), 170_000)
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(killer)
  const output = out + err
  if (code !== 0) console.log(output)
  expect(output).not.toContain('hook timed out')
  expect(output).toContain('running it again with --timeout')
  expect(output).toMatch(/bun test: Kafka at 127\.0\.0\.1:\d+ for the 1 integration file/)
  expect(code).toBe(0)
}, 180_000)
