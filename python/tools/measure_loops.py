"""Does uvloop pay for itself? Runs the real contender against the local feed and a real broker
with each event loop (and, for the heap figure's cost, with tracemalloc on), alternating, and
prints CPU per delivered message and pipeline p99 from the reports.

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39292 .cache/python-venv/bin/python python/tools/measure_loops.py \
        --rates 2000,8000 --runs 2 --seconds 20

The variants replace ``contender.main.event_loop`` (and start tracemalloc) in a ``-c`` wrapper,
so the contender itself keeps no switch for them. Results are in python/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contender import contract  # noqa: E402
from tests.processes import start_feed, stop  # noqa: E402

ASYNCIO = "import asyncio; m.event_loop = lambda: (asyncio.new_event_loop, 'asyncio')"
UVLOOP = "import uvloop; m.event_loop = lambda: (uvloop.new_event_loop, 'uvloop')"
TRACEMALLOC = "import tracemalloc; tracemalloc.start(1)"
VARIANTS = {
    "asyncio": ASYNCIO,
    "uvloop": UVLOOP,
    "uvloop+tracemalloc": f"{UVLOOP}; {TRACEMALLOC}",
}


def run_once(variant: str, feed, seconds: int, bootstrap: str) -> dict:
    with tempfile.TemporaryDirectory() as reports:
        code = f"import contender.main as m; {VARIANTS[variant]}; raise SystemExit(m.main())"
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KAFKA_TOPIC": f"measure-{variant.replace('+', '-')}-{time.time_ns()}",
            "UPBIT_REST_URL": feed.rest_url,
            "UPBIT_WS_URL": feed.ws_url,
            "CONNECT_INTERVAL_MS": "50",
            "TEST_DURATION": str(seconds),
            "WARMUP_SECONDS": "5",
            "START_MODE": "stdin",
            "REPORT_DIR": reports,
        }
        proc = subprocess.Popen(
            [sys.executable, "-c", code], cwd=contract.ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        assert proc.stdin and proc.stdout
        for line in proc.stdout:
            if line.startswith('@bench {"event":"ready"'):
                proc.stdin.write(f"START {time.time_ns() // 1_000_000 + 5000}\n")
                proc.stdin.flush()
        proc.wait()
        report = json.loads((Path(reports) / "python_performance_report.json").read_text())
    return {
        "status": report["status"],
        "delivered": report["messages"]["delivered"],
        "usPerMsg": report["cpu"]["usPerDeliveredMessage"],
        "p50Us": report["latency"]["pipeline"]["p50Us"],
        "p99Us": report["latency"]["pipeline"]["p99Us"],
        "processingP99Us": report["latency"]["processing"]["p99Us"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="2000,8000")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    options = parser.parse_args()
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    variants = options.variants.split(",")
    for rate in options.rates.split(","):
        proc, feed = start_feed("--rate", rate, "--seed", "3", "--no-track-sent")
        try:
            results: dict[str, list[dict]] = {v: [] for v in variants}
            for _ in range(options.runs):
                for variant in variants:  # alternate, so drift on a shared machine hits both
                    result = run_once(variant, feed, options.seconds, bootstrap)
                    results[variant].append(result)
                    print(f"rate {rate} {variant:20s} {json.dumps(result)}", flush=True)
            for variant, runs in results.items():
                med = {k: statistics.median(r[k] for r in runs) for k in ("usPerMsg", "p50Us", "p99Us", "processingP99Us")}
                print(f"== rate {rate} {variant:20s} median of {len(runs)}: {json.dumps(med)}", flush=True)
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
