"""Third-party Upbit clients against the local feed: ccxt (REST market list, watch_ticker,
watch_trades, watch_order_book) and pyupbit (WebSocketManager for ticker, trade, orderbook).
Neither lets a user point it elsewhere, so the exchange's URLs are redirected to the feed; nothing
else is changed. Prints one line per check and exits 1 if any failed.

Usage: python check_clients.py --rest http://127.0.0.1:PORT --ws ws://127.0.0.1:PORT/websocket/v1
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
from pathlib import Path
from typing import NoReturn

SYMBOL, CODE = "BTC/KRW", "KRW-BTC"
# the channels are the contract's (src/contract/rules.ts CHANNELS), read from its generated copy
CHANNELS = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "contract-rules.json").read_text())["channels"]


async def check_ccxt(rest: str, ws: str) -> list[tuple[str, bool, str]]:
    import ccxt.pro as ccxtpro

    exchange = ccxtpro.upbit({"enableRateLimit": False})
    exchange.urls["api"] = {**exchange.urls["api"], "public": rest, "private": rest, "ws": ws}
    results = []
    try:
        markets = await exchange.load_markets()
        results.append(("ccxt load_markets", SYMBOL in markets, f"{len(markets)} markets"))
        for name, call in [
            ("ccxt watch_ticker", lambda: exchange.watch_ticker(SYMBOL)),
            ("ccxt watch_trades", lambda: exchange.watch_trades(SYMBOL)),
            ("ccxt watch_order_book", lambda: exchange.watch_order_book(SYMBOL)),
        ]:
            try:
                got = await asyncio.wait_for(call(), timeout=15)
                detail = (
                    f"last {got.get('last')}" if isinstance(got, dict) and "last" in got
                    else f"{len(got.get('bids', []))} bids / {len(got.get('asks', []))} asks" if isinstance(got, dict)
                    else f"{len(got)} trades"
                )
                ok = bool(got) and (not isinstance(got, dict) or "last" in got or len(got.get("bids", [])) > 0)
                results.append((name, ok, detail))
            except Exception as error:  # a client failure is a result to print, not a crash
                results.append((name, False, f"{type(error).__name__}: {error}"))
    finally:
        await exchange.close()
    return results


def check_pyupbit(ws: str) -> list[tuple[str, bool, str]]:
    import websockets

    import pyupbit.websocket_api as api

    class Redirect:
        """pyupbit hard-codes wss://api.upbit.com; send its connections to the feed instead."""

        ConnectionClosed = websockets.ConnectionClosed

        @staticmethod
        def connect(_uri, **kwargs):
            return websockets.connect(ws, **kwargs)

    api.websockets = Redirect
    results = []
    for kind in CHANNELS:
        manager = api.WebSocketManager(kind, [CODE])
        try:
            message = manager.get()
            ok = isinstance(message, dict) and message.get("code") == CODE
            results.append((f"pyupbit {kind}", ok, f"type {message.get('type')}, code {message.get('code')}"))
        except Exception as error:
            results.append((f"pyupbit {kind}", False, f"{type(error).__name__}: {error}"))
        finally:
            manager.terminate()
    return results


class _Parser(argparse.ArgumentParser):
    """The project's one convention for entry points (src/entry-point.ts): a bad argument is one
    line naming it and how to get help, exit 2 (argparse's own prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"check_clients: {message} (see --help)\n")


def main() -> int:
    parser = _Parser(description="ccxt and pyupbit against an Upbit-compatible feed (bun run check:clients).")
    parser.add_argument("--rest", required=True)
    parser.add_argument("--ws", required=True)
    args = parser.parse_args()
    results = asyncio.run(check_ccxt(args.rest, args.ws)) + check_pyupbit(args.ws)
    for name, ok, detail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    mp.set_start_method("fork")
    sys.exit(main())
