import { describe, expect, test } from 'bun:test'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeReport } from '../comparison/fixture.ts'
import { REDACTED } from '../contract/redact.ts'
import { commandLine, contendersThatRan, gitState } from './provenance.ts'

describe('the command line', () => {
  test('is shown as typed, quoted where a shell would need it', () => {
    expect(commandLine(['--rounds', '1', '--contenders', 'bun,go', '--out', '/tmp/my reports'])).toBe(
      "bun run bench --rounds 1 --contenders bun,go --out '/tmp/my reports'",
    )
    expect(commandLine([])).toBe('bun run bench')
  })

  test('hides a URL’s user info and the values of secret properties, in either flag form', () => {
    const line = commandLine([
      '--x',
      'ws://alice:s3cret@127.0.0.1:9000/websocket/v1',
      '--y=https://bob:hunter2@example.com/',
      'linger.ms=5,sasl.password=pw,ssl.key.password=k',
    ])
    for (const secret of ['alice', 's3cret', 'bob', 'hunter2', '=pw', '=k,', 'password=k'])
      expect(line).not.toContain(secret)
    expect(line).toContain(`ws://${REDACTED}@127.0.0.1:9000/websocket/v1`)
    expect(line).toContain(`--y=https://${REDACTED}@example.com/`)
    expect(line).toContain(`linger.ms=5,sasl.password=${REDACTED}`)
  })
})

describe('the project’s commit', () => {
  test('this checkout: its HEAD, and whether git status lists anything', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
    const porcelain = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' })
    expect(gitState()).toEqual({ commit: head, dirty: porcelain.trim().length > 0 })
  })

  test('a tree with an uncommitted file is dirty; a directory outside any repository is unknown, not an error', () => {
    const repo = mkdtempSync(join(tmpdir(), 'ukb-git-'))
    const run = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' })
    run('init', '-q')
    run('-c', 'user.email=a@b', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'x')
    expect(gitState(repo).dirty).toBe(false)
    writeFileSync(join(repo, 'new.txt'), 'x')
    expect(gitState(repo)).toMatchObject({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), dirty: true })
    expect(gitState(mkdtempSync(join(tmpdir(), 'ukb-nogit-')))).toEqual({ commit: 'unknown', dirty: 'unknown' })
  })
})

describe('the contenders that ran', () => {
  test('their registry entries, with the runtime version their reports gave, once each', () => {
    const reports = [makeReport('go', 1), makeReport('bun-tuned', 1), makeReport('go', 2)]
    const entries = contendersThatRan(reports)
    expect(entries.map((e) => e.name)).toEqual(['go', 'bun-tuned'])
    expect(entries[0]).toMatchObject({ runtime: 'go 1.26.8', tier: 'as-shipped', websocket: 'gorilla/websocket' })
    expect(entries[1]!.tier).toBe('tuned')
    expect(entries[1]!.glue).toContain('rd_kafka_produceva')
    expect(entries[1]!.binding).toContain('bun:ffi')
  })
})
