"""The confluent-kafka producer: the shared settings plus bootstrap.servers, delivery reports
served by a poll thread, statistics and client errors handed to callbacks.

Why a thread: confluent-kafka-python serves delivery reports only inside ``poll()``/``flush()``,
and its asyncio example (examples/asyncio_example.py) polls from a dedicated thread.
``poll(0.1)`` blocks in librdkafka with the GIL released, so it wakes the moment a report
arrives and costs nothing while idle; a timer on the event loop would either wake every
millisecond or add up to its period to every ack. The library's experimental AIOProducer was
not used: it batches produce calls itself (a second batching layer over linger.ms) and gives
every message a future, which the other contenders do not pay for.
"""

from __future__ import annotations

import importlib.metadata
import re
import threading
from collections.abc import Callable

import confluent_kafka
from confluent_kafka import KafkaError, KafkaException

#: the one librdkafka build every contender loads (.cache/librdkafka-2.15.1)
EXPECTED_LIBRDKAFKA = "2.15.1"
POLL_TIMEOUT_S = 0.1
_QUOTED = re.compile(r'"([^"]+)"')


class SettingsRejected(Exception):
    """librdkafka refused a property (unknown name or bad value); ``name`` is the property."""

    def __init__(self, message: str, names: list[str]) -> None:
        super().__init__(message)
        self.names = names


def rejects(key: str, value: str) -> bool:
    """Whether librdkafka refuses this one property on its own (no broker is contacted)."""
    try:
        confluent_kafka.Producer({key: value})
    except (KafkaException, TypeError, ValueError):
        return True
    return False


class BrokerUnreachable(Exception):
    """No metadata answer within STARTUP_TIMEOUT_MS."""


def librdkafka_version() -> str:
    return confluent_kafka.libversion()[0]


def binding_version() -> str:
    return importlib.metadata.version("confluent-kafka")


class Producer:
    """One confluent_kafka.Producer and the thread that serves its delivery reports."""

    def __init__(
        self,
        bootstrap: str,
        settings: dict[str, str],
        on_stats: Callable[[str], None],
        on_error: Callable[[KafkaError], None],
    ) -> None:
        self.settings = settings
        config: dict[str, object] = {
            **settings,
            "bootstrap.servers": bootstrap,
            "stats_cb": on_stats,
            "error_cb": on_error,
        }
        try:
            self._producer = confluent_kafka.Producer(config)
        except KafkaException as error:
            reason = error.args[0].str() if error.args and isinstance(error.args[0], KafkaError) else str(error)
            raise SettingsRejected(reason, _QUOTED.findall(reason)) from None
        except (TypeError, ValueError) as error:  # the Python client's own keys (e.g. error_cb) given as text
            raise SettingsRejected(str(error), [key for key in settings if key in str(error)]) from None
        #: the hot path's call: produce(topic, value, key, on_delivery=..., headers=...)
        self.produce = self._producer.produce
        self.poll = self._producer.poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check_broker(self, timeout_s: float) -> None:
        """A metadata request; raises BrokerUnreachable when nothing answers in time."""
        try:
            self._producer.list_topics(timeout=timeout_s)
        except KafkaException as error:
            raise BrokerUnreachable(
                f"no broker answered a metadata request within {round(timeout_s * 1000)} ms ({error.args[0].str()})"
            ) from None

    def start_polling(self) -> None:
        self._thread = threading.Thread(target=self._poll_loop, name="kafka-poll", daemon=True)
        self._thread.start()

    def _poll_loop(self) -> None:
        poll, stop = self._producer.poll, self._stop
        while not stop.is_set():
            poll(POLL_TIMEOUT_S)

    def stop_polling(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def flush(self, timeout_s: float) -> int:
        """Serves delivery reports until nothing is in flight or the deadline; returns what is left
        (blocking: call it off the event loop)."""
        return self._producer.flush(timeout_s)

    def in_flight(self) -> int:
        return len(self._producer)

    def close(self) -> None:
        """Ends the producer. ``Producer.close()`` flushes without a deadline, so with messages
        still queued (a broker gone) they are purged first and the handle is left to be destroyed."""
        if len(self._producer) == 0:
            self._producer.close()
            return
        self._producer.purge(in_queue=True, in_flight=True, blocking=False)
        self._producer.poll(0)
