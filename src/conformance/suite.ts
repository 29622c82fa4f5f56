/**
 * @module conformance/suite
 * THE conformance suite: the test files whose scenarios every registered contender must pass
 * (each parametrised by `contendersUnderTest()`, so TEST_CONTENDERS=NAME runs them for one).
 * `bun run conformance NAME` runs them for one contender; `bun run test` runs them for all. A test
 * (src/conformance/conformance.test.ts) fails when a file parametrised by the registry is in neither
 * this list nor BENCH_TIER_FILES, so no scenario is left out of the proof.
 */

/** What every contender owes the contract, one scenario family per file. */
export const CONFORMANCE_FILES = [
  // a clean window, identical settings, a feed-side drop, malformed frames, the warm-up
  'src/bench/contenders.int.test.ts',
  // the shared table of bad inputs, start-up failures, START handling, bounded frames and handshakes
  'src/bench/inputs.int.test.ts',
  // every answer the market-list endpoint can give, judged alike
  'src/bench/market-list.int.test.ts',
  // bad configuration, reconnects and retry budgets, faults, a broker restart, signals
  'src/bench/reliability.int.test.ts',
  // compression, the silence watchdog, Upbit's connection limit
  'src/bench/transport.int.test.ts',
  // leader failover and below-min-ISR on a 3-node cluster
  'src/bench/failover.int.test.ts',
  // secrets never written or printed, reports never written through a planted link
  'src/bench/secrets.int.test.ts',
  // a flood on one connection: the window still on time, SIGTERM honoured in bounded time
  'src/bench/flood.int.test.ts',
] as const

/** Registry-parametrised files that test the bench itself (its race and outputs), not a contender's contract. */
export const BENCH_TIER_FILES = ['src/bench/bench.bench.test.ts', 'src/bench/replay.bench.test.ts'] as const
