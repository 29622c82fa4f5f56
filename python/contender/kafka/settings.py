"""The one producer config every contender uses: the settings file (config/producer-settings.json
by default) with KAFKA_PROPERTIES on top. librdkafka itself judges names and values when the
producer is created; this module only holds the file to its shape.
"""

from __future__ import annotations

import json
from pathlib import Path

from contender.config import Config, bad_value
from contender.redact import is_consumer_only_property

_NAME = "PRODUCER_SETTINGS"


def read_settings_file(path: Path) -> dict[str, str]:
    """One JSON object, every value a string, nothing after it; keys starting with ``$`` are
    comments and are dropped."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise bad_value(_NAME, str(path), f"cannot be read ({error})") from None
    try:
        # json.loads refuses anything after the object ("Extra data"), as the contract asks
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise bad_value(_NAME, str(path), f"must hold one JSON object ({error})") from None
    if not isinstance(data, dict):
        raise bad_value(_NAME, str(path), f"must hold one JSON object, not {type(data).__name__}")
    settings: dict[str, str] = {}
    for key, value in data.items():
        if key.startswith("$"):
            continue
        if not isinstance(value, str):
            raise bad_value(_NAME, str(path), f"{json.dumps(key)} must be a string, not {json.dumps(value)}")
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
