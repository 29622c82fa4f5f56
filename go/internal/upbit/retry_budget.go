package upbit

import "time"

// RetryBudget is how many reconnects one connection has left. Each drop uses one attempt; the
// budget is restored only by a connection that had stayed open for RECONNECT_STABLE_MS. A drop
// sooner is a flap and keeps using up the same budget, so a server that accepts and drops every
// connection gets RECONNECT_MAX_RETRIES attempts, not an endless loop. An attempt that never
// opened uses the budget too, without being a flap.
type RetryBudget struct {
	maxRetries int
	stable     time.Duration
	used       int
}

// DropVerdict is what one drop counts as.
type DropVerdict struct {
	Flap    bool // dropped within RECONNECT_STABLE_MS of opening
	Attempt int  // the reconnect attempt to make (1-based); 0: out of retries, give up
}

func NewRetryBudget(maxRetries int, stable time.Duration) *RetryBudget {
	return &RetryBudget{maxRetries: maxRetries, stable: stable}
}

// Drop is one drop: opened says whether the connection had been open, for openFor.
func (b *RetryBudget) Drop(opened bool, openFor time.Duration) DropVerdict {
	flap := opened && openFor < b.stable
	if opened && !flap {
		b.used = 0 // it stayed up long enough: a fresh budget for this drop
	}
	if b.used >= b.maxRetries {
		return DropVerdict{Flap: flap}
	}
	b.used++
	return DropVerdict{Flap: flap, Attempt: b.used}
}

// Used is how many retries were spent since the budget last reset.
func (b *RetryBudget) Used() int { return b.used }
