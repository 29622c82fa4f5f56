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

from contender import contract
from tests.processes import start_feed, stop

ASYNCIO = "import asyncio; m.event_loop = lambda: (asyncio.new_event_loop, 'asyncio')"
UVLOOP = "import uvloop; m.event_loop = lambda: (uvloop.new_event_loop, 'uvloop')"
TRACEMALLOC = "import tracemalloc; tracemalloc.start(1)"
VARIANTS = {
    "asyncio": ASYNCIO,
    "uvloop": UVLOOP,
    "uvloop+tracemalloc": f"{UVLOOP}; {TRACEMALLOC}",
}


def spawn(variant: str, feed, seconds: int, bootstrap: str, reports: str) -> subprocess.Popen[str]:
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
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=contract.ROOT,
        env=env,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def run_together(variants: list[str], feed, seconds: int, bootstrap: str) -> dict[str, dict]:
    """Runs the variants at the same time on the same feed, with one START for all, so the load
    the rest of the machine puts on a run falls on every variant alike."""
    with tempfile.TemporaryDirectory() as root:
        dirs = {v: Path(root) / v.replace("+", "-") for v in variants}
        procs = {v: spawn(v, feed, seconds, bootstrap, str(dirs[v])) for v in variants}
        for proc in procs.values():  # wait for every ready line
            assert proc.stdout
            for line in proc.stdout:
                if line.startswith('@bench {"event":"ready"'):
                    break
        start = f"START {time.time_ns() // 1_000_000 + 5000}\n"
        for proc in procs.values():
            assert proc.stdin and proc.stdout
            proc.stdin.write(start)
            proc.stdin.flush()
        for proc in procs.values():
            proc.stdout.read()  # type: ignore[union-attr]
            proc.wait()
        return {v: summary(json.loads((dirs[v] / "python_performance_report.json").read_text())) for v in variants}


def run_once(variant: str, feed, seconds: int, bootstrap: str) -> dict:
    return run_together([variant], feed, seconds, bootstrap)[variant]


def summary(report: dict) -> dict:
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
    parser.add_argument("--together", action="store_true", help="run the variants at the same time")
    options = parser.parse_args()
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    variants = options.variants.split(",")
    for rate in options.rates.split(","):
        proc, feed = start_feed("--rate", rate, "--seed", "3", "--no-track-sent")
        try:
            results: dict[str, list[dict]] = {v: [] for v in variants}
            for _ in range(options.runs):
                if options.together:
                    batch = run_together(variants, feed, options.seconds, bootstrap)
                else:  # one after the other, alternating, so drift on a shared machine hits both
                    batch = {v: run_once(v, feed, options.seconds, bootstrap) for v in variants}
                for variant, result in batch.items():
                    results[variant].append(result)
                    print(f"rate {rate} {variant:20s} {json.dumps(result)}", flush=True)
            for variant, runs in results.items():
                med = {
                    k: statistics.median(r[k] for r in runs) for k in ("usPerMsg", "p50Us", "p99Us", "processingP99Us")
                }
                print(f"== rate {rate} {variant:20s} median of {len(runs)}: {json.dumps(med)}", flush=True)
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
