/**
 * @module bench/run-env
 * What one bench run hands every contender: a unique run id (topic names, report folder) and the
 * contract env (broker, feed, channel, compression, plan); the round adds topic, phase and start.
 */
import { randomBytes } from 'node:crypto'
import type { Feed } from '../feed/server.ts'
import type { BenchOptions } from './options.ts'

const UPBIT_REST = 'https://api.upbit.com'
const UPBIT_WS = 'wss://api.upbit.com/websocket/v1'

/** Unique per run even for two benches started in the same millisecond on one broker. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*/, '')
  return `${stamp}${String(now.getMilliseconds()).padStart(3, '0')}-${randomBytes(3).toString('hex')}`
}

/** The contract env every contender of this run gets (the round adds topic, phase, start mode). */
export function contenderEnv(o: BenchOptions, bootstrap: string, feed: Feed | undefined): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    UPBIT_REST_URL: feed ? feed.httpUrl : UPBIT_REST,
    UPBIT_WS_URL: feed ? feed.wsUrl : UPBIT_WS,
    UPBIT_CHANNEL: o.channel,
    // the contract's word again, on the way out to the contender
    WS_COMPRESSION: o['ws-compression'] ? 'on' : 'off',
    MARKETS_LIMIT: String(o['markets-limit']),
    CONNECT_INTERVAL_MS: String(o['connect-interval-ms']),
  }
}
