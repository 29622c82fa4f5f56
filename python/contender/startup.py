"""Everything before the first WebSocket: the producer (a property librdkafka rejects is a config
error), the broker's metadata answer within STARTUP_TIMEOUT_MS, and the market list. Each
failure is a ``StartupError`` naming its exit code in the contract's rules and leaves no report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from confluent_kafka import KafkaError

from contender.config import Config, ConfigError, bad_value
from contender.kafka.producer import BrokerUnreachable, Producer, SettingsRejected, rejects
from contender.redact import REDACTED, is_secret_property
from contender.threads import in_daemon_thread
from contender.upbit.markets import MarketsError, fetch_markets

#: awaits its argument unless the run is closed first (then None)
UntilClosing = Callable[[Awaitable[Any]], Awaitable[Any]]


class StartupError(Exception):
    """A failure before any connection: the message and the name of its exit code in the rules
    (config, broker, markets)."""

    def __init__(self, message: str, exit_name: str) -> None:
        super().__init__(message)
        self.exit_name = exit_name


def open_producer(
    config: Config,
    settings: dict[str, str],
    on_stats: Callable[[str], None],
    on_error: Callable[[KafkaError], None],
) -> Producer:
    """The producer librdkafka accepts, or a StartupError (config) naming the rejected property."""
    try:
        return Producer(config.kafka_bootstrap_servers, settings, on_stats, on_error)
    except SettingsRejected as rejected:
        raise StartupError(str(_rejected(config, rejected)), "config") from None


def _rejected(config: Config, rejected: SettingsRejected) -> ConfigError:
    """Names the variable a rejected property came from, and the property with its value.

    librdkafka names a property by its canonical alias (linger.ms → queue.buffering.max.ms),
    so each KAFKA_PROPERTIES entry is tried alone to find the one the user wrote.
    """
    given = ",".join(f"{k}={v}" for k, v in config.kafka_properties.items())
    for key, value in config.kafka_properties.items():
        if key in rejected.names or rejects(key, value):
            shown = REDACTED if is_secret_property(key) else value
            return bad_value("KAFKA_PROPERTIES", given, f"librdkafka rejects {key}={shown}: {rejected}")
    return bad_value("PRODUCER_SETTINGS", str(config.producer_settings), f"librdkafka rejects it: {rejected}")


async def check_broker(config: Config, producer: Producer, until_closing: UntilClosing) -> None:
    """The broker's metadata answer within STARTUP_TIMEOUT_MS, or a StartupError (broker)."""
    try:
        check = partial(producer.check_broker, config.startup_timeout_ms / 1000)
        await until_closing(in_daemon_thread(check, "broker-check"))
    except BrokerUnreachable as error:
        raise StartupError(f"Kafka at {config.kafka_bootstrap_servers} unreachable: {error}", "broker") from None


async def markets(config: Config, until_closing: UntilClosing) -> list[str] | None:
    """The market codes within STARTUP_TIMEOUT_MS (None when the run closed first), or a
    StartupError (markets)."""
    try:
        return await until_closing(
            fetch_markets(config.upbit_rest_url, config.startup_timeout_ms, config.markets_limit)
        )
    except MarketsError as error:
        raise StartupError(str(error), "markets") from None
