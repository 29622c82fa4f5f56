/**
 * Secrets and planted links, against every contender and the bench's comparison writer (issue 25):
 * given known secrets in KAFKA_PROPERTIES and in the URLs' user info, no file the project writes
 * and no line it prints holds any of them, on a clean run and on every error path; and no file is
 * written through a link planted at its path (the link is replaced, its target untouched).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REDACTED } from '../contract/redact.ts'
import { reportPath } from '../contract/report.ts'
import { EXIT } from '../contract/rules.ts'
import { ALONE_AT_ONCE, contendersUnderTest, forEachContender, Rig } from './fixture.ts'
import { parseBenchOptions } from './options.ts'
import { publish } from './publish.ts'

const contenders = contendersUnderTest()
let rig: Rig

beforeAll(async () => {
  rig = await Rig.start()
})
afterAll(async () => {
  await rig?.stop()
})

const tag = Math.random().toString(36).slice(2, 8)
const SECRET = {
  sasl: `SaslPw-${tag}`,
  sslKey: `SslKeyPw-${tag}`,
  urlUser: `UrlUser-${tag}`,
  urlPass: `UrlPass-${tag}`,
}
const ALL_SECRETS = Object.values(SECRET)
/** Both are accepted by librdkafka on a PLAINTEXT broker and left unused, so a run goes through. */
const SECRET_PROPERTIES = `sasl.password=${SECRET.sasl},ssl.key.password=${SECRET.sslKey}`
const CREDENTIALS = `${SECRET.urlUser}:${SECRET.urlPass}`
const TARGET_TEXT = 'the target of a planted link: never written\n'

/** Every regular file under `dir`, recursively, with its text. */
function filesUnder(dir: string): [string, string][] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name)
      return [path, readFileSync(path, 'latin1')]
    })
}

/** Which secrets appear in which file under the dirs or in the output: none may. */
function leaks(dirs: string[], output = ''): string[] {
  const found: string[] = []
  for (const [path, text] of [...dirs.flatMap(filesUnder), ['(output)', output] as [string, string]])
    for (const secret of ALL_SECRETS) if (text.includes(secret)) found.push(`${secret} in ${path}`)
  return found
}

/** A link at `path` to a file outside every output dir; returns the target. */
function plantLink(path: string): string {
  const target = join(mkdtempSync(join(tmpdir(), 'ukb-target-')), 'target.txt')
  writeFileSync(target, TARGET_TEXT)
  symlinkSync(target, path)
  return target
}

/** The link was replaced by a regular file and its target left as it was. */
function expectReplaced(path: string, target: string) {
  expect({ path, link: lstatSync(path).isSymbolicLink(), file: lstatSync(path).isFile() }).toEqual({
    path,
    link: false,
    file: true,
  })
  expect(readFileSync(target, 'utf8')).toBe(TARGET_TEXT)
}

const ERROR_PATHS: [string, Record<string, string>, number, RegExp][] = [
  [
    'a typo elsewhere in KAFKA_PROPERTIES',
    { KAFKA_PROPERTIES: `linger.ms,${SECRET_PROPERTIES}` },
    EXIT.config,
    /KAFKA_PROPERTIES.*"linger\.ms" is not key=value/,
  ],
  [
    // the item after a secret may be the rest of its value (a secret holding a comma)
    'a typo right after a secret',
    { KAFKA_PROPERTIES: `${SECRET_PROPERTIES},linger.ms` },
    EXIT.config,
    /KAFKA_PROPERTIES.*item 3 is not key=value/,
  ],
  [
    'a property librdkafka rejects beside the secrets',
    { KAFKA_PROPERTIES: `${SECRET_PROPERTIES},linger.ms=soon` },
    EXIT.config,
    /linger\.ms/,
  ],
  [
    'a consumer-only property (a producer would ignore it)',
    { KAFKA_PROPERTIES: `${SECRET_PROPERTIES},group.id=g1` },
    EXIT.config,
    /KAFKA_PROPERTIES.*group\.id is a consumer property/,
  ],
  [
    'credentials in a REST URL of the wrong scheme',
    { UPBIT_REST_URL: `ftp://${CREDENTIALS}@127.0.0.1:1` },
    EXIT.config,
    /UPBIT_REST_URL.*127\.0\.0\.1:1/,
  ],
  [
    'credentials in an unreachable REST URL',
    { UPBIT_REST_URL: `http://${CREDENTIALS}@127.0.0.1:1`, STARTUP_TIMEOUT_MS: '2000' },
    EXIT.markets,
    /127\.0\.0\.1:1/,
  ],
]

describe('secrets and planted links, every contender at once', () => {
  test('a run given secrets writes and prints none of them; its report replaces a planted link', async () => {
    await forEachContender(
      contenders,
      async (contender) => {
        const reportDir = mkdtempSync(join(tmpdir(), 'ukb-secrets-'))
        const path = reportPath(reportDir, contender)
        const target = plantLink(path)
        const run = await rig.runAlone(
          contender,
          { KAFKA_PROPERTIES: SECRET_PROPERTIES, REPORT_DIR: reportDir },
          { stdin: '' },
          // its window a second after it is ready, however long a busy machine took to start it
          (running) =>
            void running.waitFor('ready').then(
              () => running.start(Date.now() + 1000),
              () => {},
            ),
        )
        expect({ exit: run.exitCode, output: run.exitCode === 0 ? '' : run.output }).toEqual({ exit: 0, output: '' })
        expectReplaced(path, target)
        // the report states the secret properties it was given, their values redacted as librdkafka does
        expect(run.report!.producerSettings).toMatchObject({ 'sasl.password': REDACTED, 'ssl.key.password': REDACTED })
        expect(leaks([reportDir, run.dir], run.output)).toEqual([])
      },
      // a clean run is judged on its window's length: the field is not started in one second
      { atOnce: ALONE_AT_ONCE },
    )
  })

  test.each(ERROR_PATHS)('%s: refused alike, and no secret in any line or file', async (_, env, exit, message) => {
    await forEachContender(
      contenders,
      async (contender) => {
        const run = await rig.runAlone(contender, { KAFKA_PROPERTIES: SECRET_PROPERTIES, ...env })
        expect({ exit: run.exitCode, output: run.output }).toMatchObject({ exit })
        expect(run.output).toMatch(message)
        expect(run.report).toBeUndefined()
        expect(leaks([run.dir], run.output)).toEqual([])
      },
      // the unreachable REST URL is judged against STARTUP_TIMEOUT_MS
      { atOnce: ALONE_AT_ONCE },
    )
  })

  test('credentials in an unreachable WebSocket URL: failed, and the report shows the URL without them', async () => {
    await forEachContender(contenders, async (contender) => {
      const run = await rig.runAlone(contender, {
        KAFKA_PROPERTIES: SECRET_PROPERTIES,
        UPBIT_WS_URL: `ws://${CREDENTIALS}@127.0.0.1:1/websocket/v1`,
        RECONNECT_BASE_MS: '100',
        RECONNECT_MAX_RETRIES: '0',
      })
      expect(run.exitCode).toBe(EXIT.failed)
      expect(run.report!.config.upbitWsUrl).toBe(`ws://${REDACTED}@127.0.0.1:1/websocket/v1`)
      expect(leaks([run.dir], run.output)).toEqual([])
    })
  })
})

describe("the bench's outputs", () => {
  test('the comparison of reports carrying secrets holds none, and no output follows a planted link', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ukb-secrets-run-'))
    const roundDir = join(runDir, 'round-1')
    const out = mkdtempSync(join(tmpdir(), 'ukb-secrets-out-'))
    const charts = join(out, 'charts')
    mkdirSync(roundDir)
    mkdirSync(charts)
    mkdirSync(join(out, 'histograms'))
    const planted = [
      ...contenders.flatMap((c) => [join(roundDir, `${c}.log`), reportPath(roundDir, c), reportPath(out, c)]),
      join(out, 'performance_comparison_report.md'),
      join(out, 'performance_comparison_report.html'),
      join(out, 'performance_comparison_input.json'),
      join(out, 'performance_comparison.csv'),
      join(runDir, 'performance_comparison_report.md'),
      join(runDir, 'provenance.json'),
      join(charts, 'performance_comparison.png'),
      join(charts, 'performance_comparison.svg'),
      join(charts, 'latency_percentiles.png'),
      join(charts, 'latency_percentiles.svg'),
      ...contenders.map((c) => join(out, 'histograms', `${c}-r1-exchangeToAck.hgrm`)),
    ].map((path) => [path, plantLink(path)] as const)

    const results = await rig.run({ contenders, dir: roundDir, env: { KAFKA_PROPERTIES: SECRET_PROPERTIES } })
    for (const r of results)
      expect({ contender: r.contender, exit: r.exitCode }).toEqual({ contender: r.contender, exit: 0 })
    const failures = await publish({
      o: parseBenchOptions(['--out', out, '--charts', charts], {}),
      rounds: [results.map((r) => r.report!)],
      audits: results.map((r) => r.audit!),
      startedAt: new Date(),
      runDir,
      // a command line carrying secrets: recorded in the provenance, redacted
      argv: ['--x', `ws://${CREDENTIALS}@127.0.0.1:1/websocket/v1`, SECRET_PROPERTIES],
      extra: {},
      broker: { brokers: 1, replicationFactor: 1, minIsr: 1, external: true },
    })
    // redacted alike on every contender, so the settings still compare equal
    expect(failures).toEqual([])
    for (const [path, target] of planted) expectReplaced(path, target)
    const md = readFileSync(join(out, 'performance_comparison_report.md'), 'utf8')
    expect(md).toContain(REDACTED)
    expect(readFileSync(join(out, 'performance_comparison_report.html'), 'utf8')).toContain(REDACTED)
    expect(leaks([runDir, out])).toEqual([])
  }, 180_000)
})
