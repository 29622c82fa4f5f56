"""The project's own processes the tests run against: the embedded broker and the local feed
(started with bun, read until they announce their address, stopped with SIGTERM)."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from dataclasses import dataclass

import pytest

from contender import contract

ROOT = contract.ROOT


def start_and_read(cmd: list[str], pattern: str, what: str) -> tuple[subprocess.Popen[str], re.Match[str]]:
    """Starts ``cmd`` and reads its stdout until a line matches ``pattern`` (the process's own
    announcement of its address); fails with the process's output if it exits first."""
    if shutil.which(cmd[0]) is None:
        pytest.fail(f"{cmd[0]} not found: {what} needs it (run `bun run setup`)")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return proc, match
    proc.wait()
    pytest.fail(f"{what} exited ({proc.returncode}) before announcing itself:\n{''.join(seen)[-2000:]}")


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class Feed:
    rest_url: str
    ws_url: str


def start_feed(*options: str) -> tuple[subprocess.Popen[str], Feed]:
    """``bun scripts/feed.ts --port 0 OPTIONS`` and its URLs."""
    proc, match = start_and_read(
        ["bun", "scripts/feed.ts", "--port", "0", *options], r"feed: (http://\S+)\s+(ws://\S+)", "the feed"
    )
    return proc, Feed(match[1], match[2])
