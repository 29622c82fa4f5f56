"""The one request each connection sends after it opens: its ticket, the channel and its codes,
DEFAULT format. https://docs.upbit.com/reference/websocket-request-format"""

from __future__ import annotations

import json
from collections.abc import Sequence


def subscribe_message(ticket: str, channel: str, codes: Sequence[str]) -> str:
    return json.dumps(
        [{"ticket": ticket}, {"type": channel, "codes": list(codes)}, {"format": "DEFAULT"}], separators=(",", ":")
    )
