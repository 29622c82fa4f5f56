"""Every market code from ``GET {UPBIT_REST_URL}/v1/market/all`` (KRW, BTC, USDT, ... pairs).

The whole fetch, retries included, has one deadline (STARTUP_TIMEOUT_MS). 429 and 503 are
retried up to 3 times after Retry-After seconds (else 1, 2, 3 s); a redirect is not followed and
every other status but 200 is refused. The body is capped (8 MiB) and so is the list (10,000
markets), both from contract-rules.json; duplicate codes are dropped, keeping the first. Every
failure names the URL without its user info, in the same words as the other contenders; the
contender exits 4 (docs/contenders.md, Behaviour step 2).
https://docs.upbit.com/reference/rate-limits (the quotation group allows 10 requests/s per IP)
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from contender import contract
from contender.threads import in_daemon_thread

#: 429 and 503 are waited out this many times, as the other contenders do
RETRIES = 3
_RETRIED = (429, 503)
_MARKET = re.compile(r"[A-Z0-9]+-[A-Z0-9]+")
_SECONDS = re.compile(r"\s*[0-9]+\s*")


class MarketsError(Exception):
    """The market list could not be had or used; the message names the URL."""


@dataclass
class _Answer:
    status: int
    retry_after: str | None
    body: bytes


async def fetch_markets(rest_url: str, timeout_ms: int, limit: int = 0) -> list[str]:
    """The market codes in list order, de-duplicated, the first ``limit`` when limit > 0."""
    caps = contract.rules()["marketList"]
    parts = urlsplit(f"{rest_url}/v1/market/all?isDetails=false")
    # user info is sent as basic auth, never shown
    auth = None
    if parts.username is not None:
        auth = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    timed_out = MarketsError(f"GET {url}: no complete answer within {timeout_ms} ms (STARTUP_TIMEOUT_MS)")
    deadline = time.monotonic() + timeout_ms / 1000
    for attempt in range(RETRIES + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise timed_out
        try:
            request = partial(_get, url, auth, remaining, caps["maxBytes"])
            answer = await asyncio.wait_for(in_daemon_thread(request, "markets-fetch"), remaining)
        except TimeoutError:
            raise timed_out from None
        if answer.status in _RETRIED:
            if attempt == RETRIES:
                raise MarketsError(f"GET {url} answered HTTP {answer.status} again after {RETRIES} retries")
            wait = _retry_wait_s(answer.retry_after, attempt)
            if time.monotonic() + wait > deadline:
                raise MarketsError(
                    f"GET {url} answered HTTP {answer.status}; waiting {wait} s to retry would pass the"
                    f" STARTUP_TIMEOUT_MS deadline ({timeout_ms} ms)"
                )
            await asyncio.sleep(wait)
            continue
        if 300 <= answer.status < 400:
            raise MarketsError(
                f"GET {url} answered HTTP {answer.status}, a redirect: redirects are not followed"
                " (set UPBIT_REST_URL to the address it points to)"
            )
        if answer.status != 200:
            raise MarketsError(f"GET {url} answered HTTP {answer.status}, not 200 with the market list")
        return parse_markets(url, answer.body, limit, caps["maxMarkets"])
    raise timed_out  # not reached: the last attempt returns or raises


def _retry_wait_s(retry_after: str | None, attempt: int) -> int:
    """Retry-After when it is whole seconds, else 1, 2, 3 s by attempt."""
    if retry_after is not None and _SECONDS.fullmatch(retry_after):
        return int(retry_after)
    return attempt + 1


def _media_type(content_type: str) -> str:
    message = Message()
    message["content-type"] = content_type
    return message.get_content_type()


def _get(url: str, auth: str | None, timeout_s: float, max_bytes: int) -> _Answer:
    """One GET with http.client: no redirect is followed and nothing is decoded for us."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.netloc, timeout=timeout_s)
    # identity, so that no gzip bomb is inflated on our behalf
    headers = {"accept": "application/json", "accept-encoding": "identity"}
    if auth is not None:
        headers["authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    try:
        connection.request("GET", f"{parts.path}?{parts.query}", headers=headers)
        response = connection.getresponse()
        answer = _Answer(response.status, response.getheader("retry-after"), b"")
        if response.status != 200:
            return answer
        encoding = (response.getheader("content-encoding") or "").strip().lower()
        if encoding not in ("", "identity"):
            raise MarketsError(
                f"GET {url} answered with content-encoding {json.dumps(encoding)}, not the identity encoding asked for"
            )
        content_type = response.getheader("content-type")
        if content_type is not None:
            media = _media_type(content_type)
            if media != "application/json" and not media.endswith("+json"):
                raise MarketsError(f"GET {url} answered with content-type {json.dumps(content_type)}, not JSON")
        if response.length is not None and response.length > max_bytes:
            raise MarketsError(f"GET {url}: the body is larger than {max_bytes} bytes")
        answer.body = response.read(max_bytes + 1)
    except (TimeoutError, MarketsError):
        # the socket's timeout is the fetch's own deadline: whichever of it and wait_for fires
        # first, the caller must say the same thing (a loaded machine lets either win)
        raise
    except (http.client.HTTPException, OSError) as error:
        detail = str(error) or type(error).__name__
        raise MarketsError(f"GET {url}: the connection failed before a complete answer ({detail})") from None
    finally:
        connection.close()
    if len(answer.body) > max_bytes:
        raise MarketsError(f"GET {url}: the body is larger than {max_bytes} bytes")
    return answer


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def parse_markets(url: str, body: bytes, limit: int, max_markets: int) -> list[str]:
    """Codes from the list body; only ``market`` is read (the rest is not the producer's)."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise MarketsError(f"GET {url}: the body is empty, not a JSON array of markets")
    try:
        data: Any = json.loads(text)
    except ValueError:
        raise MarketsError(f"GET {url}: the body is not JSON: {json.dumps(text[:120], ensure_ascii=False)}") from None
    if not isinstance(data, list):
        raise MarketsError(f"GET {url}: the body is {_kind(data)}, not a JSON array of markets")
    if not data:
        raise MarketsError(f"GET {url}: the market list is empty")
    if len(data) > max_markets:
        raise MarketsError(f"GET {url}: {len(data)} markets, more than the {max_markets} a run takes")
    codes: dict[str, None] = {}  # insertion-ordered set: duplicates dropped, list order kept
    for i, item in enumerate(data):
        code = item.get("market") if isinstance(item, dict) else None
        if not isinstance(code, str) or not _MARKET.fullmatch(code):
            shown = json.dumps(item, separators=(",", ":"), ensure_ascii=False)[:120]
            raise MarketsError(f'GET {url}: entry {i} has no "market" code like QUOTE-BASE: {shown}')
        codes[code] = None
    ordered = list(codes)
    return ordered[:limit] if limit > 0 else ordered


def count_by_quote(codes: Sequence[str]) -> dict[str, int]:
    """Markets per quote currency (the part before ``-``): {"KRW": 250, "BTC": 190, ...}."""
    return dict(Counter(code.partition("-")[0] for code in codes))
