package upbit

import (
	"testing"
	"time"
)

// The same cases as src/contender/upbit/all-down.test.ts.
func TestAllDownClock(t *testing.T) {
	at := func(ms int64) time.Time { return time.UnixMilli(1_000_000 + ms) }
	longest := func(a *AllDownClock, from, to int64) int64 { return a.LongestWithin(at(from), at(to)).Milliseconds() }

	// only the part of a stretch inside the window counts
	a := NewAllDownClock(at(0))
	a.OpenCount(1, at(1000)) // down 0..1000, before the window
	a.OpenCount(0, at(4000))
	a.OpenCount(2, at(7000)) // down 4000..7000, half inside
	a.OpenCount(0, at(9000))
	a.OpenCount(1, at(9500))
	if got := longest(a, 5500, 20_000); got != 1500 {
		t.Errorf("inside [5500, 20000]: %d", got)
	}
	if got := longest(a, 0, 20_000); got != 3000 {
		t.Errorf("inside [0, 20000]: %d", got)
	}

	// a stretch still going at the end counts up to the end
	a = NewAllDownClock(at(0))
	a.OpenCount(3, at(100))
	a.OpenCount(2, at(200))
	a.OpenCount(0, at(1000))
	if got := longest(a, 500, 6000); got != 5000 {
		t.Errorf("still down at the end: %d", got)
	}

	// never opened: the whole window
	if got := longest(NewAllDownClock(at(0)), 10_000, 70_000); got != 60_000 {
		t.Errorf("never opened: %d", got)
	}

	// always open: zero
	a = NewAllDownClock(at(0))
	a.OpenCount(1, at(0))
	if got := longest(a, 10, 20); got != 0 {
		t.Errorf("always open: %d", got)
	}
}
