// Package upbit is the exchange side: the market list, the connection plan and pacing, the
// WebSocket connections with ping and reconnect, and the cheap per-frame check.
package upbit

// PlannedConnection is one WebSocket: its index (ticket suffix), codes and when to open it.
type PlannedConnection struct {
	Index    int
	Codes    []string
	OpenAtMs int // ms after the first batch
}

// PlanConnections splits codes in order, perConnection each, opened batch at a time with
// intervalMs between batches.
func PlanConnections(codes []string, perConnection, batch, intervalMs int) []PlannedConnection {
	plan := []PlannedConnection{}
	for at, index := 0, 0; at < len(codes); at, index = at+perConnection, index+1 {
		end := min(at+perConnection, len(codes))
		plan = append(plan, PlannedConnection{Index: index, Codes: codes[at:end:end], OpenAtMs: (index / batch) * intervalMs})
	}
	return plan
}

// FirstBatchAt is when the first batch opens (epoch ms). With phaseMs < 0, or no interval to
// align to, it is now; otherwise the first instant t ≥ now with t mod intervalMs equal to
// phaseMs mod intervalMs, so the later batches (one interval apart) stay on that phase and
// contenders given different phases never open connections in the same instant.
func FirstBatchAt(nowMs int64, intervalMs, phaseMs int) int64 {
	if phaseMs < 0 || intervalMs <= 0 {
		return nowMs
	}
	interval, phase := int64(intervalMs), int64(phaseMs)%int64(intervalMs)
	at := nowMs - nowMs%interval + phase
	if at < nowMs {
		at += interval
	}
	return at
}
