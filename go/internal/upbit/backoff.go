package upbit

import (
	"math"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// BackoffCapMs caps the exponential part of a reconnect delay (the contract's timing).
var BackoffCapMs = int(contract.Rules().Timing.BackoffCapMs)

// BackoffDelay is base·2^(attempt−1) capped at 16 s, ±20 % jitter (random in [0,1]), four
// times longer after a handshake refused with 429.
func BackoffDelay(attempt, baseMs int, rateLimited bool, random func() float64) int {
	exp := math.Min(float64(baseMs)*math.Pow(2, float64(attempt-1)), float64(BackoffCapMs))
	jitter := 1 + (random()*2-1)*contract.Rules().Backoff.Jitter
	factor := 1.0
	if rateLimited {
		factor = contract.Rules().Backoff.RateLimitedFactor
	}
	return int(math.Round(exp * jitter * factor))
}
