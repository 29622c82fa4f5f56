"""One run (docs/contenders.md), one method per phase, named alike in every contender
(docs/architecture.md, "One module map"): start_up (producer, broker check, markets) → connect
(plan, pipeline, paced connections until ready) → warm_up (ready until the window start) →
measure (the window) → flush → report (status, report written)."""

from __future__ import annotations

import asyncio
import platform
import signal
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from confluent_kafka import KafkaError

from contender import clock, contract, startup
from contender.config import Config
from contender.kafka.producer import Producer, binding_version, librdkafka_version
from contender.kafka.stats import StatsSummary
from contender.measuring_window import MeasuringWindow, Window, window_start
from contender.metrics.recorder import Recorder
from contender.metrics.resources import HEAP_MEANING, MemorySampler, cpu_us
from contender.pipeline import Phase, Pipeline
from contender.progress import Out
from contender.report.build import RunFacts, build_report
from contender.report.host import host_info
from contender.report.status import WarmupBooks, WindowFigures, judge
from contender.report.write import ReportInvalid, ReportWriter
from contender.upbit.client import ClientOptions, UpbitClient
from contender.upbit.markets import count_by_quote
from contender.upbit.plan import plan_connections
from contender.variant import Variant

FATAL = 1
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


class Run:
    def __init__(self, config: Config, settings: dict[str, str], out: Out, loop_name: str, variant: Variant) -> None:
        self.config = config
        self.variant = variant
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
        producer = startup.open_producer(c, self.settings, self._on_stats, self._on_kafka_error)
        producer.start_polling()
        try:
            return await self._phases(producer, writer)
        finally:
            producer.stop_polling()

    async def _phases(self, producer: Producer, writer: ReportWriter) -> int:
        codes = await self._start_up(producer)
        if codes is None:  # a signal before any connection: nothing to report
            return contract.exit_code(self.interrupted or "SIGINT")
        session = await self._connect(producer, codes)
        window = await self._warm_up(session)
        await self._measure(session, window)
        await self._flush(session, producer, window)
        return self._report(session, producer, window, writer)

    async def _start_up(self, producer: Producer) -> list[str] | None:
        """The broker check and the market list, each within STARTUP_TIMEOUT_MS."""
        await startup.check_broker(self.config, producer, self._until_closing)
        if self.interrupted:
            return None
        codes = await startup.markets(self.config, self._until_closing)
        return None if self.interrupted else codes

    async def _connect(self, producer: Producer, codes: list[str]) -> Session:
        """The plan, the pipeline, and the connections opened until each is settled (or a signal)."""
        c = self.config
        plan = plan_connections(
            codes, c.markets_per_connection, c.connect_batch, c.connect_interval_ms, c.connect_phase_ms, clock.now_ms()
        )
        by_quote = count_by_quote(codes)
        self.out.log(f"{len(codes)} markets {by_quote} → {len(plan)} connections")
        samples = self.rules["invalidSamples"]
        recorder = self.variant.recorder(samples["max"], samples["bytes"])
        pipeline = self.variant.pipeline(
            producer,
            recorder,
            codes,
            topic=c.kafka_topic,
            contender=c.contender,
            channel=c.upbit_channel,
            max_frame_bytes=c.max_frame_bytes,
        )
        client = UpbitClient(
            plan,
            ClientOptions.of(self.config),
            pipeline.on_frame,
            self.out.log,
            pipeline.refused,
            self.variant.connection,
        )
        client.start()
        await self._until_closing(client.ready.wait())
        return Session(codes, by_quote, recorder, pipeline, client, MemorySampler())

    async def _warm_up(self, s: Session) -> Window:
        """Ready (warm-up produce starts) → the START → asleep until the window start. A signal or a
        refused START skips ahead: the window then opens and closes at once."""
        c, out = self.config, self.out
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
            w.start_ms, w.bad_start = await window_start(
                c, w.ready_at_ms, self._until_closing, lambda: self.interrupted is not None
            )
        if not self.interrupted and w.bad_start is None:
            out.event({"event": "warmup", "fromMs": w.ready_at_ms, "startMs": w.start_ms})
            out.log(f"warm-up from now; window {w.start_ms} (epoch ms) for {c.test_duration} s")
            await self._until_closing(clock.sleep_until_ms(w.start_ms))
        return w

    async def _measure(self, s: Session, w: Window) -> None:
        """The window, from its start until TEST_DURATION later or a signal."""
        w.opened_at_ms, w.opened = time.time_ns() / 1e6, perf_counter()
        w.cpu_at_open = cpu_us()
        w.was_open = not self.interrupted and w.bad_start is None
        window = None
        if w.was_open:
            s.pipeline.phase = Phase.WINDOW
            self.measuring = True
            s.memory.start(asyncio.get_running_loop())
            self.out.event({"event": "start", "startMs": w.start_ms})
            window = MeasuringWindow(
                w.opened, self.config.test_duration, s.recorder, s.memory, s.client.stats, self.out
            )
            await self._until_closing(clock.sleep_until_ms(w.start_ms + self.config.test_duration * 1000))
        s.pipeline.phase = Phase.CLOSED
        self.measuring = False
        w.closed = perf_counter()
        if window is not None:
            window.close(w.closed)

    async def _flush(self, s: Session, producer: Producer, w: Window) -> None:
        """Stop reading (close the sockets), flush within FLUSH_TIMEOUT_MS, stop the clocks."""
        c, memory = self.config, s.memory
        self.out.event({"event": "end", "endMs": round(w.opened_at_ms + (w.closed - w.opened) * 1000)})
        await s.client.close()
        left = await asyncio.to_thread(producer.flush, c.flush_timeout_ms / 1000)
        w.cpu_at_flushed = cpu_us()
        w.flushed = perf_counter()
        memory.stop()
        producer.stop_polling()  # from here on no delivery report changes a figure
        s.recorder.settle()
        if left:
            self.out.log(f"flush: {left} messages or events still queued after {c.flush_timeout_ms} ms")

    def _report(self, s: Session, producer: Producer, w: Window, writer: ReportWriter) -> int:
        """The status judged, the report built, checked against the schema and written."""
        status, reasons = self._judge(s, w)
        report = build_report(self._facts(s, producer, w, status, reasons))
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

    def _longest_all_down_ms(self, s: Session, w: Window) -> float:
        return s.client.all_down.longest_within(w.opened, w.closed) * 1000 if w.was_open else 0.0

    def _judge(self, s: Session, w: Window) -> tuple[str, list[dict[str, str]]]:
        r = s.recorder
        return judge(
            WindowFigures(
                received=r.received,
                invalid=r.invalid,
                delivered=r.delivered,
                failed=r.failed,
                in_flight=r.in_flight,
                warmup=WarmupBooks(r.warmup_received, r.warmup_produced, r.warmup_delivered, r.warmup_failed),
                target_ms=self.config.test_duration * 1000,
                measured_ms=(w.closed - w.opened) * 1000,
                longest_all_down_ms=self._longest_all_down_ms(s, w),
                connections_given_up=s.client.stats.failed,
            ),
            self.rules["status"],
            interrupted=self.interrupted is not None,
            bad_start=w.bad_start,
        )

    def _facts(self, s: Session, producer: Producer, w: Window, status: str, reasons: list[dict[str, str]]) -> RunFacts:
        return RunFacts(
            config=self.config,
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
            longest_all_down_ms=self._longest_all_down_ms(s, w),
            recorder=s.recorder,
            rss=s.memory.rss,
            heap=s.memory.heap,
            librdkafka_stats=self.stats.summary(),
        )

    def _runtime(self) -> dict[str, str]:
        return {
            "name": "python",
            "version": f"CPython {platform.python_version()} on {self.loop_name}",
            "websocket": self.variant.websocket(self.loop_name),
            "kafkaBinding": f"confluent-kafka-python {binding_version()}"
            f" (built from source against librdkafka {librdkafka_version()}){self.variant.kafka_glue}",
            "heapMeaning": HEAP_MEANING,
        }
