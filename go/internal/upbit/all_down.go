package upbit

import (
	"slices"
	"time"
)

// AllDownClock keeps the stretches of time with no connection open, for the report's
// longestAllDownMs and the all-connections-down status: the longest such stretch inside the
// window, however it started (before the window, or because every connection was given up).
// It is not safe for concurrent use: the Client calls it under its lock.
type AllDownClock struct {
	downSince time.Time // start of the current stretch; zero while a connection is open
	stretches []stretch // the closed ones
}

type stretch struct{ from, to time.Time }

// NewAllDownClock starts down: no connection is open before the first one opens.
func NewAllDownClock(now time.Time) *AllDownClock { return &AllDownClock{downSince: now} }

// OpenCount is told each change of the number of open connections.
func (a *AllDownClock) OpenCount(open int, now time.Time) {
	switch {
	case open == 0 && a.downSince.IsZero():
		a.downSince = now
	case open > 0 && !a.downSince.IsZero():
		a.stretches = append(a.stretches, stretch{a.downSince, now})
		a.downSince = time.Time{}
	}
}

// LongestWithin is the longest stretch inside [from, to]; one still going counts up to to.
func (a *AllDownClock) LongestWithin(from, to time.Time) time.Duration {
	all := a.stretches
	if !a.downSince.IsZero() {
		all = append(slices.Clip(all), stretch{a.downSince, to})
	}
	var longest time.Duration
	for _, s := range all {
		if s.to.After(to) {
			s.to = to
		}
		if s.from.Before(from) {
			s.from = from
		}
		longest = max(longest, s.to.Sub(s.from))
	}
	return longest
}
