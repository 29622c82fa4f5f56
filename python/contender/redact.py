"""The one redaction rule (``secrets`` in schemas/contract-rules.json, from src/contract/rules.ts),
as src/contract/redact.ts and go/internal/contract/redact.go apply it: no secret property's value
and no URL's user info in any line printed or file written; each shows as librdkafka shows it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

from contender import contract

_SECRETS = contract.rules()["secrets"]
REDACTED: str = _SECRETS["replacement"]
_PROPERTIES = frozenset(_SECRETS["properties"])
_WORDS = tuple(_SECRETS["words"])
_CONSUMER_ONLY = frozenset(contract.rules()["consumerOnlyProperties"])
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_secret_property(name: str) -> bool:
    lower = name.strip().lower()
    return lower in _PROPERTIES or any(word in lower for word in _WORDS)


def is_consumer_only_property(name: str) -> bool:
    """A property a producer accepts and ignores: a report must not state it as in effect."""
    return name in _CONSUMER_ONLY


def redact_settings(settings: Mapping[str, str]) -> dict[str, str]:
    return {key: REDACTED if is_secret_property(key) else value for key, value in settings.items()}


def redact_properties_text(text: str) -> str:
    """``k=v,k=v`` with secret values replaced; an item without ``=`` right after a secret (the
    rest of a value holding a comma) or naming one is replaced too."""
    shown: list[str] = []
    after_secret = False
    for item in text.split(","):
        key, eq, _ = item.partition("=")
        if not eq:
            shown.append(REDACTED if after_secret or is_secret_property(item) else item)
            continue
        after_secret = is_secret_property(key)
        shown.append(f"{key}={REDACTED}" if after_secret else item)
    return ",".join(shown)


def not_key_value_reason(text: str, index: int) -> str:
    """Why item ``index`` (from 0) is not key=value: the item, or only its position if hidden."""
    shown = redact_properties_text(text).split(",")[index].strip()
    if shown == REDACTED:
        return f"item {index + 1} is not key=value (not shown: it may hold part of a secret)"
    return f"{json.dumps(shown, ensure_ascii=False)} is not key=value"


def _user_info(url: str) -> tuple[str, str, str] | None:
    """(scheme://, user info, the rest from the authority's last ``@``), or None."""
    match = _SCHEME.match(url)
    scheme = match.group(0) if match else ""
    after = url[len(scheme) :]
    authority = re.split(r"[/?#]", after, maxsplit=1)[0]
    at = authority.rfind("@")
    if at < 0:
        return None
    return scheme, authority[:at], after[at:]


def redact_url(url: str) -> str:
    parts = _user_info(url)
    return url if parts is None else f"{parts[0]}{REDACTED}{parts[2]}"


class Scrubber:
    """Replaces a run's secrets in text this program did not compose (a library's error)."""

    def __init__(self, settings: Mapping[str, str], urls: Iterable[str] = ()) -> None:
        found = {value for key, value in settings.items() if is_secret_property(key)}
        for url in urls:
            parts = _user_info(url)
            if parts is not None:
                for part in (parts[1], *parts[1].split(":")):
                    found.update((part, unquote(part)))
        # longest first, so a secret containing another is replaced whole
        self._secrets = sorted((s for s in found if s), key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text
