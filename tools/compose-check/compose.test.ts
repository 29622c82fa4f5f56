/**
 * compose.yml must pass `docker compose config`; without the plugin here, it is loaded by
 * compose-go (the library that command is built on): schema, interpolation, depends_on.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const here = import.meta.dir
const compose = join(here, '..', '..', 'compose.yml')

async function check(file: string) {
  const proc = Bun.spawn(['go', 'run', '.', file], { cwd: here, stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { out, err, code }
}

test('compose.yml loads and validates: kafka, kafka-ui on 127.0.0.1:8080, the bench and the contenders', async () => {
  const r = await check(compose)
  expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' })
  for (const service of ['kafka:', 'kafka-ui:', 'bench:', 'bun:', 'node:', 'go:']) expect(r.out).toContain(`  ${service}`)
  expect(r.out).toMatch(/host_ip: 127\.0\.0\.1\s+target: 8080/)
}, 300_000)

test('the checker rejects what docker compose would reject', async () => {
  const bad = join(mkdtempSync(join(tmpdir(), 'compose-')), 'compose.yml')
  writeFileSync(bad, readFileSync(compose, 'utf8').replace('    image: apache/kafka:4.1.1', '    image: apache/kafka:4.1.1\n    bogus_key: 1'))
  const r = await check(bad)
  expect(r.code).not.toBe(0)
  expect(r.err).toContain('bogus_key')
}, 300_000)
