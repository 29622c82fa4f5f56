"""One run (docs/contenders.md): producer and broker check → markets → paced connections →
ready → warm-up → window → flush → status → report."""

from __future__ import annotations

import asyncio
import json
import platform
import signal
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from functools import partial
from time import perf_counter
from typing import Any

import websockets
from confluent_kafka import KafkaError

from contender import clock, contract
from contender.config import Config, ConfigError, bad_value
from contender.kafka.producer import (
    BrokerUnreachable,
    Producer,
    SettingsRejected,
    binding_version,
    librdkafka_version,
    rejects,
)
from contender.kafka.stats import StatsSummary
from contender.metrics.recorder import Recorder
from contender.metrics.resources import HEAP_MEANING, MemorySampler, cpu_us
from contender.pipeline import Phase, Pipeline
from contender.progress import Out
from contender.redact import REDACTED, is_secret_property
from contender.report.build import RunFacts, build_report
from contender.report.host import host_info
from contender.report.status import WarmupBooks, WindowFigures, judge
from contender.report.write import ReportInvalid, ReportWriter
from contender.threads import in_daemon_thread
from contender.upbit.client import ClientOptions, UpbitClient
from contender.upbit.markets import MarketsError, count_by_quote, fetch_markets
from contender.upbit.plan import plan_connections

FATAL = 1
METRICS_PERIOD_S = contract.timing()["metricsIntervalMs"] // 1000
PROGRESS_EVERY = 2  # metrics periods: a human progress line every 10 s
SIGNALS = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


@dataclass(slots=True)
class Session:
    """What a run has once its markets are known."""

    codes: list[str]
    by_quote: dict[str, int]
    recorder: Recorder
    pipeline: Pipeline
    client: UpbitClient
    memory: MemorySampler


@dataclass(slots=True)
class Window:
    """The window's instants: wall-clock ms for the report, perf_counter for durations."""

    ready_at_ms: int
    start_ms: int = 0
    bad_start: str | None = None
    was_open: bool = False
    opened_at_ms: float = 0.0
    opened: float = 0.0
    closed: float = 0.0
    flushed: float = 0.0
    cpu_at_open: tuple[int, int] = (0, 0)
    cpu_at_flushed: tuple[int, int] = (0, 0)


class StartupFailure(Exception):
    """Before any report: the message and the exit code's name in the rules."""

    def __init__(self, message: str, exit_name: str) -> None:
        super().__init__(message)
        self.exit_name = exit_name


class Run:
    def __init__(self, config: Config, settings: dict[str, str], out: Out, loop_name: str) -> None:
        self.config = config
        self.settings = settings
        self.out = out
        self.loop_name = loop_name
        self.rules = contract.rules()
        self.interrupted: str | None = None
        self.closing = asyncio.Event()  # a signal, or the window's end
        self.stats = StatsSummary()
        self.measuring = False

    # --- callbacks from the poll thread ---

    def _on_stats(self, json_text: str) -> None:
        if self.measuring:
            self.stats.add(json_text)

    def _on_kafka_error(self, error: KafkaError) -> None:
        self.out.log(f"kafka: {'FATAL ' if error.fatal() else ''}{error.name()}: {error.str()}")

    # --- signals ---

    def _on_signal(self, name: str) -> None:
        if self.interrupted is not None:
            self.out.log(f"{name}: already closing")
            return
        self.interrupted = name
        self.out.log(f"{name}: closing the window, flushing")
        self.closing.set()

    async def _until_closing(self, work: Awaitable[Any]) -> Any:
        """Awaits ``work`` unless the run is closed first (then None; ``work`` is cancelled)."""
        task = asyncio.ensure_future(work)
        closing = asyncio.ensure_future(self.closing.wait())
        await asyncio.wait((task, closing), return_when=asyncio.FIRST_COMPLETED)
        closing.cancel()
        if task.done():
            return task.result()
        task.cancel()
        return None

    async def run(self) -> int:
        c = self.config
        loop = asyncio.get_running_loop()
        for number, name in SIGNALS.items():
            loop.add_signal_handler(number, self._on_signal, name)
        # before any connection: the report's schema, and the producer librdkafka accepts
        writer = ReportWriter(c.report_dir, c.contender)
        try:
            producer = Producer(c.kafka_bootstrap_servers, self.settings, self._on_stats, self._on_kafka_error)
        except SettingsRejected as rejected:
            raise StartupFailure(str(self._rejected(rejected)), "config") from None
        producer.start_polling()
        try:
            return await self._run(producer, writer)
        finally:
            producer.stop_polling()

    def _rejected(self, rejected: SettingsRejected) -> ConfigError:
        """Names the variable a rejected property came from, and the property with its value.

        librdkafka names a property by its canonical alias (linger.ms → queue.buffering.max.ms),
        so each KAFKA_PROPERTIES entry is tried alone to find the one the user wrote.
        """
        c = self.config
        given = ",".join(f"{k}={v}" for k, v in c.kafka_properties.items())
        for key, value in c.kafka_properties.items():
            if key in rejected.names or rejects(key, value):
                shown = REDACTED if is_secret_property(key) else value
                return bad_value("KAFKA_PROPERTIES", given, f"librdkafka rejects {key}={shown}: {rejected}")
        return bad_value("PRODUCER_SETTINGS", str(c.producer_settings), f"librdkafka rejects it: {rejected}")

    async def _run(self, producer: Producer, writer: ReportWriter) -> int:
        codes = await self._startup(producer)
        if codes is None:  # a signal before any connection: nothing to report
            return contract.exit_code(self.interrupted or "SIGINT")
        session = self._session(producer, codes)
        window = await self._warm_up_and_measure(session)
        await self._close_and_flush(session, producer, window)
        return self._report(session, producer, window, writer)

    async def _startup(self, producer: Producer) -> list[str] | None:
        """The broker check and the market list, each within STARTUP_TIMEOUT_MS."""
        c = self.config
        try:
            check = partial(producer.check_broker, c.startup_timeout_ms / 1000)
            await self._until_closing(in_daemon_thread(check, "broker-check"))
        except BrokerUnreachable as error:
            raise StartupFailure(f"Kafka at {c.kafka_bootstrap_servers} unreachable: {error}", "broker") from None
        if self.interrupted:
            return None
        try:
            codes = await self._until_closing(fetch_markets(c.upbit_rest_url, c.startup_timeout_ms, c.markets_limit))
        except MarketsError as error:
            raise StartupFailure(str(error), "markets") from None
        return None if self.interrupted else codes

    def _session(self, producer: Producer, codes: list[str]) -> Session:
        c = self.config
        plan = plan_connections(
            codes, c.markets_per_connection, c.connect_batch, c.connect_interval_ms, c.connect_phase_ms, clock.now_ms()
        )
        by_quote = count_by_quote(codes)
        self.out.log(f"{len(codes)} markets {by_quote} → {len(plan)} connections")
        samples = self.rules["invalidSamples"]
        recorder = Recorder(samples["max"], samples["bytes"])
        pipeline = Pipeline(
            producer,
            recorder,
            codes,
            topic=c.kafka_topic,
            contender=c.contender,
            channel=c.upbit_channel,
            max_frame_bytes=c.max_frame_bytes,
        )
        client = UpbitClient(plan, self._client_options(), pipeline.on_frame, self.out.log, pipeline.refused)
        return Session(codes, by_quote, recorder, pipeline, client, MemorySampler())

    async def _warm_up_and_measure(self, s: Session) -> Window:
        """Connections up → ready (warm-up produce starts) → the START → the window. A signal or a
        refused START skips ahead: the window then opens and closes at once."""
        c, out = self.config, self.out
        s.client.start()
        await self._until_closing(s.client.ready.wait())
        w = Window(ready_at_ms=clock.now_ms())
        w.start_ms = w.ready_at_ms
        if not self.interrupted:
            s.pipeline.phase = Phase.WARMUP
            ready = {
                "contender": c.contender,
                "connections": s.client.live,
                "markets": len(s.codes),
                "atMs": w.ready_at_ms,
            }
            out.event({"event": "ready", **ready})
            w.start_ms, w.bad_start = await self._window_start(w.ready_at_ms)
        if not self.interrupted and w.bad_start is None:
            out.event({"event": "warmup", "fromMs": w.ready_at_ms, "startMs": w.start_ms})
            out.log(f"warm-up from now; window {w.start_ms} (epoch ms) for {c.test_duration} s")
            await self._until_closing(clock.sleep_until_ms(w.start_ms))

        w.opened_at_ms, w.opened = time.time_ns() / 1e6, perf_counter()
        w.cpu_at_open = cpu_us()
        w.was_open = not self.interrupted and w.bad_start is None
        if w.was_open:
            s.pipeline.phase = Phase.WINDOW
            self.measuring = True
            s.client.down.window_opened(w.opened)
            s.memory.start(asyncio.get_running_loop())
            out.event({"event": "start", "startMs": w.start_ms})
            ticker = asyncio.create_task(self._tick(w.opened, s))
            await self._until_closing(clock.sleep_until_ms(w.start_ms + c.test_duration * 1000))
            ticker.cancel()
        s.pipeline.phase = Phase.CLOSED
        self.measuring = False
        w.closed = perf_counter()
        return w

    async def _close_and_flush(self, s: Session, producer: Producer, w: Window) -> None:
        """Stop reading (close the sockets), flush within FLUSH_TIMEOUT_MS, stop the clocks."""
        c, recorder, memory = self.config, s.recorder, s.memory
        if w.was_open:
            s.client.down.window_closed(w.closed)
            closed_offset_ms = (w.closed - w.opened) * 1000
            if not recorder.intervals or recorder.intervals[-1]["offsetMs"] != round(closed_offset_ms):
                # the closing interval gets its metrics line too, as on the other runtimes
                self.out.metrics(recorder.interval(closed_offset_ms, memory.last.rss_bytes, memory.last.heap_bytes))
        self.out.event({"event": "end", "endMs": round(w.opened_at_ms + (w.closed - w.opened) * 1000)})
        await s.client.close()
        left = await asyncio.to_thread(producer.flush, c.flush_timeout_ms / 1000)
        w.cpu_at_flushed = cpu_us()
        w.flushed = perf_counter()
        memory.stop()
        producer.stop_polling()  # from here on no delivery report changes a figure
        if left:
            self.out.log(f"flush: {left} messages or events still queued after {c.flush_timeout_ms} ms")

    def _report(self, s: Session, producer: Producer, w: Window, writer: ReportWriter) -> int:
        c, recorder = self.config, s.recorder
        status, reasons = judge(
            WindowFigures(
                received=recorder.received,
                invalid=recorder.invalid,
                delivered=recorder.delivered,
                failed=recorder.failed,
                in_flight=recorder.in_flight,
                warmup=WarmupBooks(
                    recorder.warmup_received,
                    recorder.warmup_produced,
                    recorder.warmup_delivered,
                    recorder.warmup_failed,
                ),
                target_ms=c.test_duration * 1000,
                measured_ms=(w.closed - w.opened) * 1000,
                longest_all_down_ms=s.client.down.longest_s * 1000,
                connections_given_up=s.client.stats.failed,
            ),
            self.rules["status"],
            interrupted=self.interrupted is not None,
            bad_start=w.bad_start,
        )
        report = build_report(
            RunFacts(
                config=c,
                status=status,
                status_reasons=reasons,
                runtime=self._runtime(),
                librdkafka_version=librdkafka_version(),
                host=host_info(),
                producer_settings=producer.settings,
                codes=s.codes,
                by_quote=s.by_quote,
                ready_at_ms=w.ready_at_ms,
                start_ms=w.start_ms,
                opened_at_ms=w.opened_at_ms,
                closed_at_ms=w.opened_at_ms + (w.closed - w.opened) * 1000,
                cpu_user_us=w.cpu_at_flushed[0] - w.cpu_at_open[0],
                cpu_system_us=w.cpu_at_flushed[1] - w.cpu_at_open[1],
                cpu_wall_ms=(w.flushed - w.opened) * 1000,
                client=s.client.stats,
                longest_all_down_ms=s.client.down.longest_s * 1000,
                recorder=recorder,
                rss=s.memory.rss,
                heap=s.memory.heap,
                librdkafka_stats=self.stats.summary(),
            )
        )
        try:
            path = writer.write(report)
        except ReportInvalid as error:
            self.out.event({"event": "error", "message": str(error)})
            print(self.out.scrub(str(error)), file=sys.stderr)
            return FATAL
        self.out.summary(report)
        self.out.event({"event": "report", "path": str(path), "status": status})
        producer.close()
        if self.interrupted:
            return contract.exit_code(self.interrupted)
        return contract.exit_code(status)

    async def _window_start(self, ready_at_ms: int) -> tuple[int, str | None]:
        """(start ms, None), or (ready ms, why) when the START line is refused."""
        c = self.config
        if c.start_mode == "auto":
            return clock.auto_start_ms(ready_at_ms, c.warmup_seconds), None
        horizon = self.rules["startHorizon"]
        limits = self.rules["stdin"]
        lines = clock.StdinLines(limits["maxLineBytes"])
        ignored = 0
        while True:
            line = await self._until_closing(lines.next())
            if self.interrupted:
                return ready_at_ms, None
            if line is None:
                return ready_at_ms, "stdin closed before a START line arrived"
            if isinstance(line, clock.StdinRefused):
                return ready_at_ms, str(line)
            start = clock.parse_start_line(line)
            if start is None:
                ignored += 1
                if ignored > (most := limits["maxIgnoredLines"]):
                    return ready_at_ms, f'more than {most} stdin lines that are not "START <epochMs>"'
                shown = json.dumps(line, ensure_ascii=False)
                print(f'[{c.contender}] ignoring stdin line {shown}: expected "START <epochMs>"', file=sys.stderr)
                continue
            now = clock.now_ms()
            if not clock.start_in_horizon(start, now, horizon["pastMs"], horizon["futureMs"]):
                return (
                    ready_at_ms,
                    f"START {start} is outside [now − {horizon['pastMs']} ms, now + {horizon['futureMs']} ms]"
                    f" (now {now})",
                )
            return start, None

    async def _tick(self, opened: float, s: Session) -> None:
        """Every 5 s of the window: an interval sample and the metrics line; every 10 s progress."""
        loop = asyncio.get_running_loop()
        base = loop.time() - (perf_counter() - opened)  # the window's open on the loop's clock
        for n in clock.interval_ticks(self.config.test_duration, METRICS_PERIOD_S):
            await asyncio.sleep(max(base + n * METRICS_PERIOD_S - loop.time(), 0))
            offset_ms = (perf_counter() - opened) * 1000
            sample = s.recorder.interval(offset_ms, s.memory.last.rss_bytes, s.memory.last.heap_bytes)
            self.out.metrics(sample)
            if n % PROGRESS_EVERY == 0:
                self.out.progress(
                    offset_ms,
                    self.config.test_duration,
                    sample["received"],
                    sample["delivered"],
                    sample["failed"],
                    s.recorder.invalid,
                    s.client.stats.reconnects,
                )

    def _client_options(self) -> ClientOptions:
        c = self.config
        return ClientOptions(
            url=c.upbit_ws_url,
            contender=c.contender,
            channel=c.upbit_channel,
            compression=c.ws_compression == "on",
            ping_interval_ms=c.ping_interval_ms,
            handshake_timeout_ms=c.handshake_timeout_ms,
            silence_timeout_ms=c.silence_timeout_ms,
            max_retries=c.reconnect_max_retries,
            backoff_base_ms=c.reconnect_base_ms,
            stable_ms=c.reconnect_stable_ms,
            max_frame_bytes=c.max_frame_bytes,
        )

    def _runtime(self) -> dict[str, str]:
        return {
            "name": "python",
            "version": f"CPython {platform.python_version()} on {self.loop_name}",
            "websocket": f"websockets {websockets.__version__} (asyncio client) on {self.loop_name}",
            "kafkaBinding": f"confluent-kafka-python {binding_version()}"
            f" (built from source against librdkafka {librdkafka_version()})",
            "heapMeaning": HEAP_MEANING,
        }
