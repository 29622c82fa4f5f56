"""The cheap frame check (docs/contenders.md, behaviour 9): reasons in the contract's order,
status and error frames apart, the exchange timestamp read without a JSON parse."""

from __future__ import annotations

import pytest

from contender.upbit.frame_check import (
    BAD_PAYLOAD,
    ERROR,
    NO_CODE,
    NOT_JSON,
    STATUS,
    TOO_LARGE,
    UNKNOWN_CODE,
    FrameChecker,
    error_name,
)

MARKETS = ["KRW-BTC", "BTC-ETH"]


def ticker(code: str = "KRW-BTC", price: str = "32287000") -> bytes:
    return (
        f'{{"type":"ticker","code":"{code}","opening_price":31883000,"trade_price":{price},'
        '"trade_timestamp":1676965262139,"timestamp":1676965262177,"stream_type":"REALTIME"}'
    ).encode()


@pytest.fixture
def check():
    return FrameChecker(MARKETS, "ticker", 1024).check


def test_a_ticker_of_a_subscribed_market_passes_with_its_key_and_timestamp(check) -> None:
    assert check(ticker()) == (None, b"KRW-BTC", 1676965262177)


def test_the_key_is_one_shared_object_per_market(check) -> None:
    assert check(ticker())[1] is check(ticker())[1]


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"hello", NOT_JSON),
        (b"", NOT_JSON),
        (b"{", NOT_JSON),
        (ticker()[:60], NOT_JSON),
        (b'{"type":"ticker"}', NO_CODE),
        (b'{"code":"' + b"X" * 40 + b'","trade_price":1}', NO_CODE),
        (ticker("KRW-NOPE"), UNKNOWN_CODE),
        (ticker(price='"abc"'), BAD_PAYLOAD),
        (b'{"code":"KRW-BTC","opening_price":1}', BAD_PAYLOAD),
        (b'{"status":"UP"}', STATUS),
        (b'{"error":{"name":"NO_TICKET","message":"x"}}', ERROR),
    ],
)
def test_invalid_frames_get_their_reason(check, frame: bytes, reason: str) -> None:
    assert check(frame)[0] == reason


def test_too_large_is_judged_before_anything_else() -> None:
    check = FrameChecker(MARKETS, "ticker", 1024).check
    assert check(b"x" * 1025)[0] == TOO_LARGE
    assert check(ticker() + b" " * (1024 - len(ticker())))[0] == NOT_JSON  # 1024 bytes is not too large


def test_negative_prices_are_numbers(check) -> None:
    assert check(ticker(price="-1.5"))[0] is None


def test_trade_timestamp_is_not_the_timestamp(check) -> None:
    frame = b'{"code":"KRW-BTC","trade_price":1,"trade_timestamp":1676965262139}'
    assert check(frame) == (None, b"KRW-BTC", 0)


def test_the_orderbook_channel_needs_orderbook_units() -> None:
    check = FrameChecker(MARKETS, "orderbook", 1024).check
    assert check(b'{"code":"KRW-BTC","orderbook_units":[{"ask_price":1}],"timestamp":5}') == (None, b"KRW-BTC", 5)
    assert check(ticker())[0] == BAD_PAYLOAD


def test_the_trade_channel_needs_a_trade_price() -> None:
    check = FrameChecker(MARKETS, "trade", 1024).check
    assert check(b'{"type":"trade","code":"BTC-ETH","trade_price":0.05}')[0] is None


def test_error_frames_are_named() -> None:
    assert error_name(b'{"error":{"name":"NO_TICKET","message":"x"}}') == "NO_TICKET"
    assert error_name(b'{"error":"x"}') == "unparsable"
