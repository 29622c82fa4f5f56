"""``python -m contender``: configuration, the librdkafka check, the event loop, exit codes.

Exit codes come from contract-rules.json: 2 bad config, 3 broker unreachable, 4 market list
unusable (no report for any of them), then by status: complete 0, degraded 5, failed 6,
interrupted 130 (SIGINT) / 143 (SIGTERM). 1 is this program's own failure (a wrong librdkafka,
a report that breaks the schema, a bug). The run itself is run.py.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable

import uvloop
import websockets

from contender import contract
from contender.config import ConfigError, parse, usage, wants_help
from contender.kafka.producer import EXPECTED_LIBRDKAFKA, librdkafka_version
from contender.kafka.settings import effective_settings
from contender.metrics.recorder import Recorder
from contender.pipeline import Pipeline
from contender.progress import Out
from contender.redact import Scrubber
from contender.run import FATAL, Run
from contender.startup import StartupError
from contender.upbit.connection import Connection
from contender.variant import Variant

#: the original project's stack, its libraries used as their documentation shows (tier as-shipped)
AS_SHIPPED = Variant(
    program="python",
    recorder=Recorder,
    pipeline=Pipeline,
    connection=Connection,
    websocket=lambda loop: f"websockets {websockets.__version__} (asyncio client) on {loop}",
    kafka_glue="",
)


def event_loop() -> tuple[Callable[[], asyncio.AbstractEventLoop], str]:
    """The event loop implementation and how the report names it. uvloop: measured to cut the CPU
    per message without raising latency (python/README.md)."""
    return uvloop.new_event_loop, f"uvloop {uvloop.__version__}"


def main(argv: list[str] | None = None, variant: Variant = AS_SHIPPED) -> int:
    args = sys.argv[1:] if argv is None else argv
    if wants_help(args):
        print(usage())
        return contract.exit_code("complete")
    try:
        config = parse(os.environ, args, variant.program)
        settings = effective_settings(config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return contract.exit_code("config")
    if librdkafka_version() != EXPECTED_LIBRDKAFKA:
        print(
            f"confluent-kafka is linked against librdkafka {librdkafka_version()}, not the project's "
            f"{EXPECTED_LIBRDKAFKA}: run `bun run setup` and start the contender with .cache/python-venv/bin/python",
            file=sys.stderr,
        )
        return FATAL
    out = Out(config.contender, scrubber=Scrubber(settings, (config.upbit_rest_url, config.upbit_ws_url)))
    loop_factory, loop_name = event_loop()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        try:
            return runner.run(Run(config, settings, out, loop_name, variant).run())
        except StartupError as failure:
            out.event({"event": "error", "message": str(failure)})
            print(out.scrub(str(failure)), file=sys.stderr)  # one line naming what failed, like a config error
            return contract.exit_code(failure.exit_name)
