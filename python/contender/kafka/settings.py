"""The one producer config every contender uses: the settings file (config/producer-settings.json
by default) with KAFKA_PROPERTIES on top. librdkafka itself judges names and values when the
producer is created; this module only holds the file to its shape.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from contender import contract
from contender.config import Config, bad_value
from contender.redact import is_consumer_only_property

_NAME = "PRODUCER_SETTINGS"


def _read_bounded(path: Path, max_bytes: int) -> str:
    """A regular file of at most ``max_bytes``: a FIFO (whose open blocks until a writer comes),
    a device that never ends or a huge file must not hang the start or take the memory."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise bad_value(_NAME, str(path), "must be a file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as file:
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise bad_value(_NAME, str(path), f"is larger than {max_bytes} bytes")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise bad_value(_NAME, str(path), f"cannot be read ({error})") from None


def read_settings_file(path: Path) -> dict[str, str]:
    """One JSON object, every value a string, nothing after it; keys starting with ``$`` are
    comments and are dropped."""
    text = _read_bounded(path, contract.rules()["settingsFile"]["maxBytes"])
    try:
        # json.loads refuses anything after the object ("Extra data"), as the contract asks
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise bad_value(_NAME, str(path), f"must hold one JSON object ({error})") from None
    if not isinstance(data, dict):
        raise bad_value(_NAME, str(path), f"must hold one JSON object, not {type(data).__name__}")
    comment = contract.rules()["settingsFile"]["commentPrefix"]
    settings: dict[str, str] = {}
    for key, value in data.items():
        # every value is a string, comments included: the one rule every contender applies
        if not isinstance(value, str):
            raise bad_value(_NAME, str(path), f"{json.dumps(key)} must be a string, not {json.dumps(value)}")
        if not key.startswith(comment):
            settings[key] = value
    # a producer accepts a consumer's property and ignores it: the report would state a setting
    # that never took effect
    for key in sorted(settings):
        if is_consumer_only_property(key):
            raise bad_value(_NAME, str(path), f"{key} is a consumer property: a producer ignores it")
    return settings


def effective_settings(config: Config) -> dict[str, str]:
    """The file's properties, then KAFKA_PROPERTIES on top (bootstrap.servers is the producer's)."""
    return {**read_settings_file(config.producer_settings), **config.kafka_properties}
