package report

import (
	"fmt"
	"math"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
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
	Failed                       int64 // failed deliveries and produce errors
	InFlight                     int64 // produced, no delivery report by the end of the flush
	Warmup                       metrics.WarmupCounts
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
		if msg := unbalanced(o); msg != "" {
			failed["unbalanced"] = msg
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

// unbalanced says how the report's counts contradict each other (rules.ts `unbalanced`), or "".
func unbalanced(o Outcome) string {
	valid := o.Received - o.Invalid
	if sum := o.Delivered + o.Failed + o.InFlight; sum != valid {
		return fmt.Sprintf("window: delivered %d + failed %d + in flight %d = %d, not the %d valid frames (received %d − invalid %d)",
			o.Delivered, o.Failed, o.InFlight, sum, valid, o.Received, o.Invalid)
	}
	w := o.Warmup
	if w.Delivered+w.Failed > w.Received {
		return fmt.Sprintf("warm-up: delivered %d + failed %d exceeds the %d frames received", w.Delivered, w.Failed, w.Received)
	}
	if w.Delivered > w.Produced {
		return fmt.Sprintf("warm-up: delivered %d exceeds the %d produced", w.Delivered, w.Produced)
	}
	return ""
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
