/**
 * The round trip the FFI sinks' integration tests put through a real broker, whatever runtime
 * the sink runs on (ffi-sink.int.test.ts on Bun; ffi-sink-node.int.test.ts and
 * ffi-sink-deno.int.test.ts through a driver on Node and Deno): N messages with keys, values and headers, the first half marked warm-up, produced with
 * the retry on a full queue the pipeline makes, then flushed. Imports nothing of a test runner.
 */
import type { Phase, Sink } from './sink.ts'

const CODES = ['KRW-BTC', 'KRW-ETH', 'BTC-XRP', 'USDT-SOL']
export const keyOf = (seq: number) => CODES[seq % CODES.length]!
export const valueOf = (seq: number) => `{"type":"ticker","code":"${keyOf(seq)}","trade_price":${seq}.5,"seq":${seq}}`
export const phaseOf = (seq: number, n: number): Phase => (seq <= n / 2 ? 'warmup' : 'window')

/** Produces seq 1..n (polling while the queue is full) and flushes; what flush left in flight. */
export async function produceRoundTrip(sink: Sink, n: number, flushMs: number): Promise<number> {
  const encoder = new TextEncoder()
  for (let seq = 1; seq <= n; seq++) {
    const send = () => sink.produce(encoder.encode(keyOf(seq)), encoder.encode(valueOf(seq)), seq, phaseOf(seq, n))
    while (!send()) sink.poll()
    if (seq % 1000 === 0) sink.poll()
  }
  return sink.flush(flushMs)
}

/** How the topic read back differs from seq 1..n produced by `contender`: one line per problem, none when it holds each exactly once. */
export function roundTripProblems(
  messages: { key: Uint8Array | null; value: Uint8Array; headers: Record<string, string> }[],
  n: number,
  contender: string,
): string[] {
  const decoder = new TextDecoder()
  const problems: string[] = []
  const seen = new Set<number>()
  for (const m of messages) {
    const seq = Number(m.headers.seq)
    if (!Number.isInteger(seq) || seq < 1 || seq > n) problems.push(`seq header ${m.headers.seq} outside 1..${n}`)
    else if (seen.has(seq)) problems.push(`seq ${seq} twice`)
    seen.add(seq)
    const want = { contender, phase: phaseOf(seq, n), key: keyOf(seq), value: valueOf(seq) }
    const got: Record<string, string | null | undefined> = {
      ...m.headers,
      key: m.key && decoder.decode(m.key),
      value: decoder.decode(m.value),
    }
    for (const field of ['contender', 'phase', 'key', 'value'] as const)
      if (got[field] !== want[field]) problems.push(`seq ${seq}: ${field} ${got[field]}, not ${want[field]}`)
  }
  for (let seq = 1; seq <= n && problems.length < 20; seq++) if (!seen.has(seq)) problems.push(`seq ${seq} missing`)
  return problems.slice(0, 20)
}
