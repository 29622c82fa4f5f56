/**
 * @module feed/limits
 * Upbit's request limits (docs.upbit.com/kr/reference/rate-limits; the 2023-10-25 changelog
 * change_on_ratelimit): WebSocket connection requests 5/s per IP, quotation REST 10/s per IP per
 * group (the market list is group `market`), WebSocket data requests 5/s and 100/min per
 * connection. Past a limit the request is refused (HTTP 429, or an error frame for data requests).
 * An IP that keeps sending after 429s is blocked (HTTP 418) for a time that grows with repeated
 * offences; Upbit does not publish those numbers, so the escalation below is this feed's choice.
 * Refused requests do not use up the quota (Upbit: 실패한 요청은 요청 횟수에 포함되지 않습니다).
 */

export interface UpbitLimits {
  connectionsPerSec: number
  restPerSec: number
  wsDataPerSec: number
  wsDataPerMin: number
  /** This many refusals (429s, any kind) from one IP within refusalWindowMs start a block. */
  refusalsToBlock: number
  refusalWindowMs: number
  /** The first block's length; each further offence doubles it, up to maxBlockMs. */
  blockMs: number
  maxBlockMs: number
  /** An IP not blocked again this long after its last block ended starts over at blockMs. */
  forgetAfterMs: number
}

export const UPBIT_LIMITS: UpbitLimits = {
  connectionsPerSec: 5,
  restPerSec: 10,
  wsDataPerSec: 5,
  wsDataPerMin: 100,
  refusalsToBlock: 10,
  refusalWindowMs: 10_000,
  blockMs: 5_000,
  maxBlockMs: 300_000,
  forgetAfterMs: 60_000,
}

/**
 * The tightest pacing of connections opened two at a time that Upbit's 5/s never refuses. The
 * limit is a sliding second: batches 500 ms apart (4/s on average) put three batches, six
 * requests, in one second whenever timers and the network shift a batch by a millisecond; 600 ms
 * apart, any second holds at most two batches, with 100 ms to spare.
 */
export const PAIRS_INTERVAL_MS = 600

export const LIMIT_KINDS = ['ws-upgrade', 'rest', 'ws-data'] as const
export type LimitKind = (typeof LIMIT_KINDS)[number]
export type Verdict =
  | { status: 200; remaining: number }
  | { status: 429; remaining: 0 }
  | { status: 418; retryAfterMs: number; offence: number }

/** Timestamps of accepted requests within a span; a handful per second, so an array is plenty. */
export class Window {
  private times: number[] = []
  constructor(private readonly spanMs: number) {}

  count(now: number): number {
    const times = this.times
    let drop = 0
    while (drop < times.length && now - times[drop]! >= this.spanMs) drop++
    if (drop > 0) times.splice(0, drop)
    return times.length
  }

  add(now: number): void {
    this.times.push(now)
  }

  clear(): void {
    this.times = []
  }
}

interface IpState {
  connect: Window
  rest: Window
  refusals: Window
  blockedUntil: number
  offences: number
}

/** A connection's own data-request windows (Upbit counts data requests per connection). */
export class DataWindows {
  readonly second = new Window(1000)
  readonly minute = new Window(60_000)
}

export class Limiter {
  readonly refused429: Record<LimitKind, number> = { 'ws-upgrade': 0, rest: 0, 'ws-data': 0 }
  readonly refused418: Record<LimitKind, number> = { 'ws-upgrade': 0, rest: 0, 'ws-data': 0 }
  blocks = 0
  private readonly ips = new Map<string, IpState>()

  /**
   * @param upbit Upbit's limits as a group, or undefined for none.
   * @param connectionsPerSec overrides the connection limit alone (`--max-connections-per-sec`); without `upbit` it refuses with 429 and never blocks.
   */
  constructor(
    readonly upbit: UpbitLimits | undefined,
    private connectionsPerSec: number | undefined,
  ) {}

  setConnectionsPerSec(limit: number | undefined): void {
    this.connectionsPerSec = limit
  }

  /** A WebSocket upgrade from `ip`: accepted requests count against the IP's per-second quota. */
  upgrade(ip: string, now = performance.now()): Verdict {
    const limit = this.connectionsPerSec ?? this.upbit?.connectionsPerSec
    return this.take('ws-upgrade', ip, now, (s) => s.connect, limit)
  }

  /** A REST request from `ip`; `remaining` is what Upbit's Remaining-Req `sec` reports. */
  rest(ip: string, now = performance.now()): Verdict {
    return this.take('rest', ip, now, (s) => s.rest, this.upbit?.restPerSec, UPBIT_LIMITS.restPerSec)
  }

  /** A data request (subscription or LIST_SUBSCRIPTIONS) on a connection from `ip`. */
  data(ip: string, windows: DataWindows, now = performance.now()): Verdict {
    const u = this.upbit
    if (!u) return { status: 200, remaining: Infinity }
    const blocked = this.blocked(ip, now)
    if (blocked) return this.teapot('ws-data', blocked)
    if (windows.second.count(now) >= u.wsDataPerSec || windows.minute.count(now) >= u.wsDataPerMin)
      return this.refuse('ws-data', ip, now)
    windows.second.add(now)
    windows.minute.add(now)
    return { status: 200, remaining: u.wsDataPerSec - windows.second.count(now) }
  }

  blockedIps(now = performance.now()): number {
    let n = 0
    for (const s of this.ips.values()) if (s.blockedUntil > now) n++
    return n
  }

  resetCounts(): void {
    for (const kind of LIMIT_KINDS) this.refused429[kind] = this.refused418[kind] = 0
    this.blocks = 0
  }

  private take(
    kind: LimitKind,
    ip: string,
    now: number,
    window: (s: IpState) => Window,
    limit: number | undefined,
    reportAs = limit,
  ): Verdict {
    const s = this.state(ip)
    const blocked = this.blocked(ip, now)
    if (blocked) return this.teapot(kind, blocked)
    const used = window(s).count(now)
    if (limit !== undefined && used >= limit) return this.refuse(kind, ip, now)
    window(s).add(now)
    return { status: 200, remaining: reportAs === undefined ? Infinity : Math.max(0, reportAs - used - 1) }
  }

  private blocked(ip: string, now: number): { retryAfterMs: number; offence: number } | undefined {
    const s = this.ips.get(ip)
    if (!this.upbit || !s || s.blockedUntil <= now) return undefined
    return { retryAfterMs: s.blockedUntil - now, offence: s.offences }
  }

  private teapot(kind: LimitKind, blocked: { retryAfterMs: number; offence: number }): Verdict {
    this.refused418[kind]++
    return { status: 418, ...blocked }
  }

  /** A 429; with Upbit's limits on, enough of them in a row from one IP start a block. */
  private refuse(kind: LimitKind, ip: string, now: number): Verdict {
    this.refused429[kind]++
    const u = this.upbit
    if (!u) return { status: 429, remaining: 0 }
    const s = this.state(ip)
    s.refusals.add(now)
    if (s.refusals.count(now) >= u.refusalsToBlock) {
      const lastEnded = s.blockedUntil
      s.offences = lastEnded > 0 && now - lastEnded < u.forgetAfterMs ? s.offences + 1 : 1
      s.blockedUntil = now + Math.min(u.maxBlockMs, u.blockMs * 2 ** (s.offences - 1))
      s.refusals.clear()
      this.blocks++
    }
    return { status: 429, remaining: 0 }
  }

  private state(ip: string): IpState {
    let s = this.ips.get(ip)
    if (!s) {
      const refusalWindowMs = this.upbit?.refusalWindowMs ?? UPBIT_LIMITS.refusalWindowMs
      s = {
        connect: new Window(1000),
        rest: new Window(1000),
        refusals: new Window(refusalWindowMs),
        blockedUntil: 0,
        offences: 0,
      }
      this.ips.set(ip, s)
    }
    return s
  }
}

/** Upbit documents neither body; these are its REST error shape with this feed's own text. */
export function tooManyBody(kind: LimitKind): string {
  return JSON.stringify({ error: { name: 'too_many_requests', message: `Too Many Requests (${kind})` } })
}

export function blockedBody(retryAfterMs: number, offence: number): string {
  const seconds = Math.ceil(retryAfterMs / 1000)
  return JSON.stringify({
    error: {
      name: 'ip_blocked',
      message: `this IP is blocked for ${seconds} s after repeated 429s (offence ${offence})`,
    },
  })
}
