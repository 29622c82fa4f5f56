"""``python -m contender.main_tuned``: the python-tuned contender (tier tuned), the thinnest glue
CPython allows between the feed, confluent-kafka and librdkafka. The same run, configuration,
contract and modules as ``python -m contender``; the pieces it swaps (docs/performance.md,
"python tuned"):

- WebSocket: picows (Cython frame parser, a callback per frame) with permessage-deflate inflated
  here (upbit/connection_picows.py, upbit/inflate.py), in place of websockets;
- Kafka: the same confluent-kafka, produce called positionally (pipeline_tuned.py);
- recording: raw values per delivery report, no lock, histograms built in batches on the event loop
  (metrics/recorder_tuned.py), in place of four HDR records under a lock per report.
"""

from __future__ import annotations

import picows

from contender.main import main as run_main
from contender.metrics.recorder_tuned import TunedRecorder
from contender.pipeline_tuned import TunedPipeline
from contender.upbit.connection_picows import PicowsConnection
from contender.variant import Variant

TUNED = Variant(
    program="python-tuned",
    recorder=TunedRecorder,
    pipeline=TunedPipeline,
    connection=PicowsConnection,
    websocket=lambda loop: f"picows {picows.__version__} (core API; permessage-deflate inflated with zlib) on {loop}",
    kafka_glue=": produce called positionally; raw values per delivery report, histograms built in batches",
)


def main(argv: list[str] | None = None) -> int:
    return run_main(argv, TUNED)


if __name__ == "__main__":
    raise SystemExit(main())
