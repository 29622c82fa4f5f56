"""Every market code from ``GET {UPBIT_REST_URL}/v1/market/all`` (KRW, BTC, USDT, ... pairs).

The whole fetch, 429 retries included, has one deadline (STARTUP_TIMEOUT_MS). The body is capped
(8 MiB) and so is the list (10,000 markets), both from contract-rules.json; duplicate codes are
dropped, keeping the first. Every failure names the URL; the contender exits 4.
https://docs.upbit.com/reference/rate-limits (the quotation group allows 10 requests/s per IP)
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Sequence
from functools import partial
from typing import Any

from contender import contract
from contender.threads import in_daemon_thread

#: a 429 is waited out this many times (1 s, 2 s, 3 s), as the other contenders do
RETRIES = 3
_MARKET = re.compile(r"[A-Z0-9]+-[A-Z0-9]+")


class MarketsError(Exception):
    """The market list could not be had or used; the message names the URL."""


async def fetch_markets(rest_url: str, timeout_ms: int, limit: int = 0) -> list[str]:
    """The market codes in list order, de-duplicated, the first ``limit`` when limit > 0."""
    caps = contract.rules()["marketList"]
    url = f"{rest_url}/v1/market/all?isDetails=false"
    deadline = time.monotonic() + timeout_ms / 1000
    for attempt in range(RETRIES + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            request = partial(_get, url, remaining, caps["maxBytes"])
            status, body = await asyncio.wait_for(in_daemon_thread(request, "markets-fetch"), remaining)
        except TimeoutError:
            break
        if status == 429 and attempt < RETRIES:
            await asyncio.sleep(min(attempt + 1, max(deadline - time.monotonic(), 0)))
            continue
        if status != 200:
            raise MarketsError(f"GET {url} answered HTTP {status}")
        return parse_markets(url, body, limit, caps["maxMarkets"])
    raise MarketsError(f"GET {url}: no usable answer within {timeout_ms} ms (STARTUP_TIMEOUT_MS)")


def _get(url: str, timeout_s: float, max_bytes: int) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read(max_bytes + 1)
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, b""
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        # The socket's timeout is the fetch's own deadline: whichever of it and wait_for fires
        # first, the caller must say the same thing (a loaded machine lets either win).
        if isinstance(reason, TimeoutError):
            raise TimeoutError from None
        raise MarketsError(f"GET {url} failed: {reason}") from None
    if len(body) > max_bytes:
        raise MarketsError(f"GET {url}: the body is larger than {max_bytes} bytes")
    return status, body


def parse_markets(url: str, body: bytes, limit: int, max_markets: int) -> list[str]:
    """Codes from the list body; only ``market`` is read (the rest is not the producer's)."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        raise MarketsError(f"GET {url} returned invalid JSON: {body[:120]!r}") from None
    if not isinstance(data, list):
        raise MarketsError(f"GET {url}: expected a JSON array of markets, got {type(data).__name__}")
    if len(data) > max_markets:
        raise MarketsError(f"GET {url}: {len(data)} markets, more than the {max_markets} allowed")
    codes: dict[str, None] = {}  # insertion-ordered set: duplicates dropped, list order kept
    for i, item in enumerate(data):
        code = item.get("market") if isinstance(item, dict) else None
        if not isinstance(code, str) or not _MARKET.fullmatch(code):
            raise MarketsError(f"GET {url}: item {i} has no market code like QUOTE-BASE: {json.dumps(item)[:120]}")
        codes[code] = None
    if not codes:
        raise MarketsError(f"GET {url}: the market list is empty")
    ordered = list(codes)
    return ordered[:limit] if limit > 0 else ordered


def count_by_quote(codes: Sequence[str]) -> dict[str, int]:
    """Markets per quote currency (the part before ``-``): {"KRW": 250, "BTC": 190, ...}."""
    return dict(Counter(code.partition("-")[0] for code in codes))
