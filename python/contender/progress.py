"""The console protocol (docs/contenders.md): human lines ``[python] ...`` and machine lines
``@bench {json}`` on stdout, one per line, shaped by schemas/events.schema.json.

Writes are whole lines under a lock (librdkafka's error callback logs from the poll thread) and
flushed at once: the bench reads stdout through a pipe, where Python would otherwise buffer.
"""

from __future__ import annotations

import json
import math
import sys
import threading
from typing import Any, TextIO

from contender.redact import Scrubber

EVENT_PREFIX = "@bench "


class Out:
    """``scrubber`` hides the run's secrets in lines whose text came from a library or the network."""

    def __init__(self, name: str, stream: TextIO = sys.stdout, scrubber: Scrubber | None = None) -> None:
        self._name = name
        self._stream = stream
        self._lock = threading.Lock()
        self._scrubber = scrubber

    def scrub(self, text: str) -> str:
        return self._scrubber.scrub(text) if self._scrubber else text

    def _write(self, line: str) -> None:
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def log(self, line: str) -> None:
        self._write(f"[{self._name}] {self.scrub(line)}")

    def event(self, payload: dict[str, Any]) -> None:
        """One machine line; the payload's key order is the line's."""
        if payload.get("event") == "error":
            payload = {**payload, "message": self.scrub(str(payload["message"]))}
        self._write(EVENT_PREFIX + json.dumps(payload, separators=(",", ":"), ensure_ascii=False))

    def metrics(self, sample: dict[str, float]) -> None:
        """The 5-second line, human and machine."""
        self.log(
            f"metrics t={sample['offsetMs'] / 1000:.0f}s received={sample['received']} ({sample['receivedPerSec']}/s) "
            f"delivered={sample['delivered']} ({sample['deliveredPerSec']}/s) failed={sample['failed']} "
            f"pipeline p99={sample['pipelineP99Us'] / 1000:.2f} ms rss={_mb(sample['rssBytes'])}"
        )
        self.event(
            {
                "event": "metrics",
                **{
                    key: sample[key]
                    for key in (
                        "offsetMs",
                        "received",
                        "delivered",
                        "failed",
                        "receivedPerSec",
                        "deliveredPerSec",
                        "pipelineP99Us",
                        "rssBytes",
                    )
                },
            }
        )

    def progress(
        self,
        offset_ms: float,
        duration_s: int,
        received: int,
        delivered: int,
        failed: int,
        invalid: int,
        reconnects: int,
    ) -> None:
        """The 10-second human line."""
        done = min(offset_ms / 1000, duration_s)
        self.log(
            f"progress {done:.0f}/{duration_s} s ({math.floor(done / duration_s * 100)}%) received={received} "
            f"delivered={delivered} failed={failed} invalid={invalid} reconnects={reconnects}"
        )

    def summary(self, report: dict[str, Any]) -> None:
        """The closing human line."""
        m, t, pipeline = report["messages"], report["timing"], report["latency"]["pipeline"]
        reasons = ", ".join(r["code"] for r in report["statusReasons"]) or "none"
        self.log(
            f"done ({report['status']}; reasons: {reasons}): {m['delivered']}/{m['received']} delivered in "
            f"{t['measuredDurationMs'] / 1000:.3f} s (accuracy {t['accuracyMs']} ms), "
            f"{report['throughput']['deliveredPerSec']} msg/s, pipeline p50={pipeline['p50Us'] / 1000:.2f} ms "
            f"p99={pipeline['p99Us'] / 1000:.2f} ms, rss max {_mb(report['memory']['rssBytes']['max'])}, "
            f"cpu {report['cpu']['usPerDeliveredMessage']} µs/msg"
        )


def _mb(size: float) -> str:
    return f"{size / 1048576:.1f} MB"
