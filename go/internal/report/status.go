package report

import (
	"fmt"
	"math"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// Statuses of the report.
const (
	Complete    = "complete"
	Degraded    = "degraded"
	Failed      = "failed"
	Interrupted = "interrupted"
)

// StatusReason is one rule a run broke.
type StatusReason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Outcome is what the status rules read: the window's figures and the run's events.
type Outcome struct {
	Received, Invalid, Delivered int64
	LongestAllDownMs             int64
	TargetMs, MeasuredMs         float64
	GivenUp                      int
	BadStart                     string // why the START line was refused; "" when it was not
	Interrupted                  bool
}

// Judge applies src/contract/rules.ts (numbers from contract-rules.json): failed over degraded
// over complete, interrupted over all; reasons come in the contract's order of status codes.
func Judge(o Outcome) (string, []StatusReason) {
	rules := contract.Rules().Status
	failed := map[string]string{}
	degraded := map[string]string{}
	if o.BadStart != "" {
		// the run ended before any window: nothing else is judged
		failed["bad-start"] = o.BadStart
	} else {
		if o.Received == 0 {
			failed["no-messages"] = "no frame was received in the window"
		}
		if o.Delivered == 0 {
			failed["none-delivered"] = "no message was delivered"
		}
		valid := o.Received - o.Invalid
		if lost := valid - o.Delivered; lost > 0 {
			msg := fmt.Sprintf("%d of %d valid frames were not delivered (%.3g %%)", lost, valid, float64(lost)/float64(valid)*100)
			if float64(lost) > rules.FailUndeliveredFraction*float64(valid) {
				failed["undelivered"] = msg
			} else {
				degraded["undelivered"] = msg
			}
		}
		limit := math.Min(float64(rules.FailAllDownMs), rules.FailAllDownWindowFraction*o.TargetMs)
		if float64(o.LongestAllDownMs) >= limit {
			failed["all-connections-down"] = fmt.Sprintf("no connection was open for %d ms in one stretch (limit %.0f ms)", o.LongestAllDownMs, limit)
		}
		if off := o.MeasuredMs - o.TargetMs; math.Abs(off) > rules.DegradeAccuracyMs {
			degraded["short-window"] = fmt.Sprintf("the window lasted %.0f ms instead of %.0f ms", o.MeasuredMs, o.TargetMs)
		}
	}
	if o.GivenUp > 0 && o.BadStart == "" {
		degraded["connections-given-up"] = fmt.Sprintf("%d connection(s) used up their retries", o.GivenUp)
	}
	status := Complete
	switch {
	case o.Interrupted:
		status = Interrupted
	case len(failed) > 0:
		status = Failed
	case len(degraded) > 0:
		status = Degraded
	}
	reasons := []StatusReason{}
	for _, code := range contract.Rules().StatusCodes {
		if msg, ok := failed[code]; ok {
			reasons = append(reasons, StatusReason{code, msg})
		} else if msg, ok := degraded[code]; ok {
			reasons = append(reasons, StatusReason{code, msg})
		}
	}
	return status, reasons
}

// ExitCode is the contract's exit code of a status (interrupted: by the signal's name).
func ExitCode(status, signal string) int {
	exit := contract.Rules().Exit
	switch status {
	case Degraded:
		return exit.Degraded
	case Failed:
		return exit.Failed
	case Interrupted:
		return map[string]int{"SIGINT": exit.SIGINT, "SIGTERM": exit.SIGTERM}[signal]
	}
	return exit.Complete
}
