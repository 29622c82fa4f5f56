/**
 * @module startup
 * Everything before the first WebSocket: the producer (a property librdkafka rejects is a
 * config error, exit 2), the broker's metadata answer within STARTUP_TIMEOUT_MS (exit 3), and
 * the market list (exit 4). Each failure leaves no report.
 */
import { EXIT } from '../contract/rules.ts'
import { KafkaConfigError } from '../librdkafka/errors.ts'
import { ConfigError, type Config } from './config.ts'
import type { Sink, SinkHandlers, SinkOptions } from './kafka/sink.ts'
import { fetchMarkets, type MarketInfo } from './upbit/markets.ts'

/** A failure before any connection, with the exit code the contract gives it. */
export class StartupError extends Error {
  override name = 'StartupError'
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export type OpenSink = (config: Config, settings: Record<string, string>, handlers: SinkHandlers) => Promise<Sink>

/**
 * The OpenSink of a sink on librdkafka's C API (bun's and deno's FFI sinks): the sink's options
 * from the configuration, and a property librdkafka rejects a configuration error (exit 2), named
 * by librdkafka.
 */
export function ffiOpenSink(create: (o: SinkOptions) => Sink | Promise<Sink>): OpenSink {
  return async (config, settings, handlers) => {
    try {
      return await create({
        bootstrap: config.kafkaBootstrapServers,
        topic: config.topic,
        contender: config.contender,
        settings,
        ...handlers,
      })
    } catch (error) {
      if (error instanceof KafkaConfigError) throw new ConfigError(`producer settings: ${error.message}`)
      throw error
    }
  }
}

export async function startUp(
  config: Config,
  settings: Record<string, string>,
  openSink: OpenSink,
  handlers: SinkHandlers,
): Promise<{ sink: Sink; markets: MarketInfo[] }> {
  const sink = await openSink(config, settings, handlers)
  try {
    await sink.checkBroker(config.startupTimeoutMs)
  } catch (error) {
    sink.close()
    throw new StartupError(
      `Kafka at ${config.kafkaBootstrapServers} unreachable: ${(error as Error).message}`,
      EXIT.broker,
      { cause: error },
    )
  }
  try {
    return { sink, markets: await fetchMarkets(config.upbitRestUrl, config.startupTimeoutMs, config.marketsLimit) }
  } catch (error) {
    sink.close()
    throw new StartupError((error as Error).message, EXIT.markets, { cause: error })
  }
}
