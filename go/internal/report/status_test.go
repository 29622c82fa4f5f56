package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
)

func codes(reasons []StatusReason) string {
	var out []string
	for _, r := range reasons {
		if r.Message == "" {
			out = append(out, "EMPTY-MESSAGE")
		}
		out = append(out, r.Code)
	}
	return strings.Join(out, ",")
}

func TestJudgeStatusRules(t *testing.T) {
	good := Outcome{Received: 1000, Invalid: 10, Delivered: 990, TargetMs: 60_000, MeasuredMs: 60_000.4}
	cases := []struct {
		name   string
		change func(o *Outcome)
		status string
		codes  string
	}{
		{"complete", func(o *Outcome) {}, Complete, ""},
		{"nothing received", func(o *Outcome) { o.Received, o.Invalid, o.Delivered = 0, 0, 0 }, Failed, "no-messages,none-delivered"},
		{"nothing delivered", func(o *Outcome) { o.Delivered, o.InFlight = 0, 990 }, Failed, "none-delivered,undelivered"},
		{"lost 1 % is degraded", func(o *Outcome) { o.Received, o.Invalid, o.Delivered, o.Failed = 1000, 0, 990, 10 }, Degraded, "undelivered"},
		{"lost over 1 % is failed", func(o *Outcome) { o.Received, o.Invalid, o.Delivered, o.InFlight = 1000, 0, 989, 11 }, Failed, "undelivered"},
		{"all down 10 s", func(o *Outcome) { o.LongestAllDownMs = 10_000 }, Failed, "all-connections-down"},
		{"all down 9.999 s", func(o *Outcome) { o.LongestAllDownMs = 9_999 }, Complete, ""},
		{"all down half a short window", func(o *Outcome) { o.TargetMs, o.MeasuredMs, o.LongestAllDownMs = 6000, 6000, 3000 }, Failed, "all-connections-down"},
		{"given up", func(o *Outcome) { o.GivenUp = 1 }, Degraded, "connections-given-up"},
		{"short window", func(o *Outcome) { o.MeasuredMs = 58_999 }, Degraded, "short-window"},
		{"window 1 s long is fine", func(o *Outcome) { o.MeasuredMs = 61_000 }, Complete, ""},
		{"bad start is all that is judged", func(o *Outcome) { *o = Outcome{BadStart: "START 1 is outside", TargetMs: 60_000, GivenUp: 1} }, Failed, "bad-start"},
		{"interrupted keeps its reasons", func(o *Outcome) { o.Interrupted, o.MeasuredMs, o.GivenUp = true, 1500, 2 }, Interrupted, "connections-given-up,short-window"},
		{"order of the contract", func(o *Outcome) { o.Delivered, o.InFlight, o.LongestAllDownMs, o.MeasuredMs = 500, 490, 20_000, 0 }, Failed, "undelivered,all-connections-down,short-window"},
		// issue 25: after a leader failover a queued event was counted as a message in flight
		{"books off by one", func(o *Outcome) { o.Received, o.Invalid, o.Delivered, o.InFlight = 1023, 0, 1023, 1 }, Failed, "unbalanced"},
		{"a frame counted nowhere", func(o *Outcome) { o.Delivered = 980 }, Failed, "undelivered,unbalanced"},
		{"failed and in flight balance", func(o *Outcome) { o.Delivered, o.Failed, o.InFlight = 985, 3, 2 }, Degraded, "undelivered"},
		{"warm-up delivered more than produced", func(o *Outcome) { o.Warmup = metrics.WarmupCounts{Received: 50, Produced: 40, Delivered: 45} }, Failed, "unbalanced"},
		{"warm-up delivered and failed more than received", func(o *Outcome) {
			o.Warmup = metrics.WarmupCounts{Received: 50, Produced: 50, Delivered: 50, Failed: 1}
		}, Failed, "unbalanced"},
		{"warm-up with invalid frames and produce errors", func(o *Outcome) {
			o.Warmup = metrics.WarmupCounts{Received: 50, Produced: 45, Delivered: 43, Failed: 4}
		}, Complete, ""},
		{"interrupted keeps unbalanced", func(o *Outcome) { o.Interrupted, o.InFlight = true, 1 }, Interrupted, "unbalanced"},
	}
	for _, c := range cases {
		o := good
		c.change(&o)
		status, reasons := Judge(o)
		if status != c.status || codes(reasons) != c.codes {
			t.Errorf("%s: got %s [%s], want %s [%s]", c.name, status, codes(reasons), c.status, c.codes)
		}
		for _, r := range reasons {
			if !slices.Contains(contract.Rules().StatusCodes, r.Code) {
				t.Errorf("%s: code %q is not the contract's", c.name, r.Code)
			}
		}
	}
}

func TestExitCodesAreTheContracts(t *testing.T) {
	exit := contract.Rules().Exit
	for _, c := range []struct {
		status, signal string
		want           int
	}{{Complete, "", exit.Complete}, {Degraded, "", exit.Degraded}, {Failed, "", exit.Failed}, {Interrupted, "SIGINT", exit.SIGINT}, {Interrupted, "SIGTERM", exit.SIGTERM}} {
		if got := ExitCode(c.status, c.signal); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.status, c.signal, got, c.want)
		}
	}
}
