"""Fixtures shared by the tests: the real broker and the project's local feed.

Nothing is mocked. The broker is KAFKA_BOOTSTRAP_SERVERS when set (``bun run test`` sets it);
otherwise one embedded broker is started for the session with the project's own
``bun scripts/kafka.ts``. The feed is the project's ``bun scripts/feed.ts`` on a free port.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.processes import Feed, start_and_read, start_feed, stop


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    cmd = ["bun", "scripts/kafka.ts", "--port", "0", "--heap-mb", "384"]
    proc, match = start_and_read(cmd, r"kafka ready: (\S+)", "the embedded broker")
    try:
        yield match[1]
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def feed() -> Iterator[Feed]:
    """The local Upbit-compatible feed at 500 msg/s, every 97th message malformed."""
    proc, feed = start_feed("--rate", "500", "--seed", "11", "--malformed-every", "97")
    try:
        yield feed
    finally:
        stop(proc)
