"""How long reading the sockets may hold up one turn of the event loop.

libuv (under uvloop) serves a readable socket with up to 32 reads of up to 256 KiB in one turn,
and websockets' ``data_received`` hands every complete message of a read to the pipeline before
it returns. With a feed faster than the pipeline the socket stays readable and a read holds
thousands of deflated frames, so one turn ran for seconds (measured: single reads taking up to
1 s under load): the window's end, the 5-s metrics lines and SIGTERM, all served between turns,
came seconds late, or not before the bench gave up on the process.

So each connection feeds websockets its reads in slices of SLICE_BYTES and charges the time each
slice took to one budget shared by the client's connections. Once READ_BUDGET_S is spent the
connection stops reading and keeps the rest of its read until the loop's next turn (timers and
signal handlers run first); a turn then spends at most the budget plus one slice per connection.
The budget is not reset each turn: at ordinary rates it runs out once in a while and costs one
pause and resume then, and reads smaller than a slice (one frame each) are fed whole, as before.
"""

from __future__ import annotations

#: processing time of reads, summed over every connection, before they yield to the loop
READ_BUDGET_S = 0.02
#: bytes fed to websockets' parser at a time (deflated: up to a few hundred ticker frames)
SLICE_BYTES = 8192


class ReadBudget:
    __slots__ = ("_budget_s", "_spent_s")

    def __init__(self, budget_s: float = READ_BUDGET_S) -> None:
        self._budget_s = budget_s
        self._spent_s = 0.0

    def left(self) -> float:
        """Seconds of processing left before the next yield."""
        return self._budget_s - self._spent_s

    def spend(self, seconds: float) -> bool:
        """Charges one slice's processing time; True when that used the budget up (it starts
        over: the caller yields to the loop's next turn)."""
        self._spent_s += seconds
        if self._spent_s < self._budget_s:
            return False
        self._spent_s = 0.0
        return True
