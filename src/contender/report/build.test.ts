import { expect, test } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Report } from '../../contract/report.ts'
import { parseConfig } from '../config.ts'
import { Recorder } from '../metrics/recorder.ts'
import { RunCounts } from '../metrics/run-counts.ts'
import { MemorySampler } from '../metrics/sampler.ts'
import { judge } from './status.ts'
import { emptyStats } from '../upbit/stats.ts'
import { buildReport } from './build.ts'

test('a run that measured nothing still makes a valid v2 report, saying why it failed', () => {
  const config = parseConfig({ REPORT_DIR: mkdtempSync(join(tmpdir(), 'ukb-build-')) }, [], 'bun')
  const recorder = new Recorder()
  const counts = new RunCounts()
  counts.errorFrame('INVALID_AUTH')
  const client = emptyStats()
  client.extensions.add('permessage-deflate')
  client.extensions.add('none')
  const verdict = judge({
    received: 0,
    invalid: 0,
    delivered: 0,
    failed: recorder.failed,
    inFlight: recorder.inFlight,
    warmup: counts.warmup,
    targetMs: 60_000,
    measuredMs: 60_000,
    longestAllDownMs: 60_000,
    plannedConnections: 36,
    givenUp: 0,
  })
  const report = buildReport({
    config,
    verdict,
    runtime: { name: 'bun', version: '1', websocket: 'ws', kafkaBinding: 'ffi', heapMeaning: 'heap' },
    librdkafkaVersion: '2.15.1',
    producerSettings: {},
    codes: ['KRW-BTC'],
    byQuote: { KRW: 1 },
    plannedConnections: 36,
    readyAtMs: 1_764_000_000_000,
    startMs: 1_764_000_010_000,
    openedAtMs: 1_764_000_010_001,
    closedAtMs: 1_764_000_070_001,
    cpu: { userUs: 1, systemUs: 1, wallMs: 60_000 },
    longestAllDownMs: 60_000,
    client,
    recorder,
    counts,
    memory: new MemorySampler(),
    librdkafkaStats: {
      samples: 0,
      intLatencyP50Us: 0,
      intLatencyP99Us: 0,
      outbufLatencyP50Us: 0,
      outbufLatencyP99Us: 0,
      rttP50Us: 0,
      rttP99Us: 0,
      batchSizeAvgBytes: 0,
      batchCountAvg: 0,
      requests: 0,
    },
  })
  expect(Report.parse(report)).toEqual(report)
  expect(report).toMatchObject({
    schemaVersion: 2,
    status: 'failed',
    warmup: { targetS: 10, durationMs: 10_001 },
    connections: { compression: 'none | permessage-deflate', longestAllDownMs: 60_000 },
    messages: { errorFrames: { INVALID_AUTH: 1 }, beforeReady: 0, statusFrames: 0 },
  })
  expect(report.statusReasons.map((r) => r.code)).toEqual(['no-messages', 'none-delivered', 'all-connections-down'])
})
