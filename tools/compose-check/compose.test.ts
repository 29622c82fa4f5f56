/**
 * compose.yml must pass `docker compose config`; without the plugin here, it is loaded by
 * compose-go (the library that command is built on): schema, interpolation, depends_on.
 *
 * The checker is built first and judged only by its own verdict: what `go build` prints while it
 * fetches modules into an empty cache ("go: downloading ...") is not the checker's output, so a
 * fresh machine and a warm one give the same result.
 */
import { beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const here = import.meta.dir
const compose = join(here, '..', '..', 'compose.yml')
const binary = join(mkdtempSync(join(tmpdir(), 'compose-check-')), 'compose-check')

beforeAll(async () => {
  const build = Bun.spawn(['go', 'build', '-o', binary, '.'], { cwd: here, stdout: 'pipe', stderr: 'pipe' })
  const [err, code] = await Promise.all([new Response(build.stderr).text(), build.exited])
  if (code !== 0) throw new Error(`go build of the compose checker failed (exit ${code}):\n${err}`)
}, 300_000)

async function check(file: string) {
  const proc = Bun.spawn([binary, file], { cwd: here, stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { out, err, code }
}

test('compose.yml loads and validates: kafka, kafka-ui on 127.0.0.1:8080, the bench and the contenders', async () => {
  const r = await check(compose)
  expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' })
  for (const service of ['kafka:', 'kafka-ui:', 'bench:', 'bun:', 'node:', 'go:', 'python:'])
    expect(r.out).toContain(`  ${service}`)
  expect(r.out).toMatch(/host_ip: 127\.0\.0\.1\s+target: 8080/)
}, 300_000)

test('the checker rejects what docker compose would reject', async () => {
  const bad = join(mkdtempSync(join(tmpdir(), 'compose-')), 'compose.yml')
  writeFileSync(
    bad,
    readFileSync(compose, 'utf8').replace(
      '    image: apache/kafka:4.1.1',
      '    image: apache/kafka:4.1.1\n    bogus_key: 1',
    ),
  )
  const r = await check(bad)
  expect(r.code).not.toBe(0)
  expect(r.err).toContain('bogus_key')
}, 300_000)
