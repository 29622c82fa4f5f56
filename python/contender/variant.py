"""What tells the python contenders apart (main.py: as shipped; main_tuned.py: tuned): the
pieces a tier swaps into the one run (run.py), which keeps one module map for both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contender.metrics.recorder import Recorder
from contender.pipeline import Pipeline
from contender.upbit.connection import Connection


@dataclass(frozen=True, slots=True)
class Variant:
    """What tells the python contenders apart: one run, one module map, and the pieces a tier swaps
    (main.py: as shipped; main_tuned.py: tuned)."""

    #: the program's own name: CONTENDER's default
    program: str
    #: Recorder(max invalid samples, sample bytes)
    recorder: Callable[[int, int], Recorder]
    pipeline: type[Pipeline]
    connection: type[Connection]
    #: the report's runtime.websocket, given the event loop's name
    websocket: Callable[[str], str]
    #: how the binding is used, after its name and version in runtime.kafkaBinding
    kafka_glue: str
