"""The market list (docs/contenders.md, behaviour 2): from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from contender import contract
from contender.upbit.markets import MarketsError, _get, count_by_quote, fetch_markets, parse_markets

MAX_MARKETS = contract.rules()["marketList"]["maxMarkets"]


def markets(*codes: str) -> bytes:
    return json.dumps([{"market": c, "korean_name": "k", "english_name": "e"} for c in codes]).encode()


class Script:
    """What the server answers, one (status, body) per request; the last one repeats."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, bytes]] = []
        self.requests: list[str] = []
        self.delay_s = 0.0


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            script.requests.append(self.path)
            status, body = script.answers[min(len(script.requests), len(script.answers)) - 1]
            if script.delay_s:
                threading.Event().wait(script.delay_s)
            self.send_response(status)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_codes_come_in_list_order_without_duplicates_and_limited(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, markets("KRW-BTC", "BTC-ETH", "KRW-BTC", "USDT-XRP"))]
    assert asyncio.run(fetch_markets(url, 5000)) == ["KRW-BTC", "BTC-ETH", "USDT-XRP"]
    assert asyncio.run(fetch_markets(url, 5000, limit=2)) == ["KRW-BTC", "BTC-ETH"]
    assert script.requests[0] == "/v1/market/all?isDetails=false"


def test_a_429_is_waited_out_and_retried(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(429, b""), (200, markets("KRW-BTC"))]
    assert asyncio.run(fetch_markets(url, 5000)) == ["KRW-BTC"]
    assert len(script.requests) == 2


def test_other_answers_name_the_url(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(500, b"")]
    with pytest.raises(MarketsError, match=rf"GET {url}/v1/market/all\?isDetails=false answered HTTP 500"):
        asyncio.run(fetch_markets(url, 5000))


def test_a_slow_server_times_out_naming_the_url(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, markets("KRW-BTC"))]
    script.delay_s = 2
    with pytest.raises(
        MarketsError, match=rf"GET {url}/v1/market/all\?isDetails=false: no complete answer within 300 ms"
    ):
        asyncio.run(fetch_markets(url, 300))


def test_the_request_threads_own_timeout_is_the_deadline_too(server: tuple[str, Script]) -> None:
    # The socket timeout and wait_for share one deadline; when the socket's fires first (as on a
    # loaded CI machine) it must end as the deadline does, not as "failed: timed out".
    url, script = server
    script.answers = [(200, markets("KRW-BTC"))]
    script.delay_s = 2
    with pytest.raises(TimeoutError):
        _get(f"{url}/v1/market/all?isDetails=false", None, 0.3, 1 << 20)


def test_an_unreachable_server_names_the_url() -> None:
    expected = r"GET http://127.0.0.1:1/v1/market/all\?isDetails=false: the connection failed"
    with pytest.raises(MarketsError, match=expected):
        asyncio.run(fetch_markets("http://127.0.0.1:1", 2000))


def test_a_body_over_the_cap_is_refused(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, b"[" + b" " * contract.rules()["marketList"]["maxBytes"] + b"]")]
    with pytest.raises(MarketsError, match="larger than 8388608 bytes"):
        asyncio.run(fetch_markets(url, 10_000))


def test_lists_are_capped_and_checked() -> None:
    too_many = markets(*(f"KRW-C{i}" for i in range(MAX_MARKETS + 1)))
    with pytest.raises(MarketsError, match=f"{MAX_MARKETS + 1} markets, more than the {MAX_MARKETS} a run takes"):
        parse_markets("u", too_many, 0, MAX_MARKETS)
    assert len(parse_markets("u", markets(*(f"KRW-C{i}" for i in range(MAX_MARKETS))), 0, MAX_MARKETS)) == MAX_MARKETS
    for body, reason in [
        (b"nope", "the body is not JSON"),
        (b"{}", "the body is an object, not a JSON array"),
        (b"[]", "the market list is empty"),
        (b'[{"market":"btc"}]', 'entry 0 has no "market" code'),
        (b'[{"market":"KRW-BTC"},{"name":"x"}]', 'entry 1 has no "market" code'),
    ]:
        with pytest.raises(MarketsError, match=reason):
            parse_markets("u", body, 0, MAX_MARKETS)


def test_markets_count_by_quote() -> None:
    assert count_by_quote(["KRW-BTC", "KRW-ETH", "BTC-ETH"]) == {"KRW": 2, "BTC": 1}
