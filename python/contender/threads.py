"""Blocking calls awaited from the event loop on daemon threads.

asyncio.to_thread's pool threads are joined when the interpreter exits, so a call abandoned at a
deadline or by a signal (a market request, a metadata request) would hold the process open
until its own timeout ran out; a daemon thread does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def in_daemon_thread(work: Callable[[], T], name: str) -> T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[asyncio.Future[T], object], None], value: object) -> None:
        if not future.done():  # the awaiting side may have given up (cancelled) already
            outcome(future, value)

    def hand_over(outcome: Callable[[asyncio.Future[T], object], None], value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(settle, outcome, value)

    def run() -> None:
        try:
            value = work()
        except BaseException as error:  # handed to the awaiting coroutine, re-raised there
            hand_over(asyncio.Future.set_exception, error)
        else:
            hand_over(asyncio.Future.set_result, value)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
