// Package clock decides when the measuring window opens: the first 10-second wall-clock
// boundary at least WARMUP_SECONDS after ready (START_MODE=auto), or the epoch ms the bench
// writes on stdin as `START <epochMs>`, within the contract's horizon.
package clock

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// BoundaryMs aligns contenders started separately on the same instants (the contract's timing).
var BoundaryMs = contract.Rules().Timing.StartBoundaryMs

// AutoStart is the first multiple of BoundaryMs at or after readyMs + warmupMs.
func AutoStart(readyMs, warmupMs int64) int64 {
	at := readyMs + warmupMs
	return (at + BoundaryMs - 1) / BoundaryMs * BoundaryMs
}

var startLine = regexp.MustCompile(`^START (\d{1,16})\s*$`)

// ParseStartLine parses `START <epochMs>`; ok is false for anything else.
func ParseStartLine(line string) (int64, bool) {
	m := startLine.FindStringSubmatch(line)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseInt(m[1], 10, 64)
	return v, err == nil
}

// NowMs is wall-clock epoch ms.
func NowMs() int64 { return time.Now().UnixMilli() }

// BadStart is a START the run cannot use: the run ends failed with reason bad-start.
type BadStart struct{ Message string }

func (e *BadStart) Error() string { return e.Message }

// CheckHorizon refuses a start outside [now − pastMs, now + futureMs].
func CheckHorizon(startMs, nowMs int64) error {
	h := contract.Rules().StartHorizon
	if startMs < nowMs-h.PastMs || startMs > nowMs+h.FutureMs {
		return &BadStart{fmt.Sprintf("START %d is outside [now − %d ms, now + %d ms] (now %d)", startMs, h.PastMs, h.FutureMs, nowMs)}
	}
	return nil
}

// ReadStart reads lines from in until a START line (others are reported to warn and ignored)
// and checks its horizon. A stdin that closes first is a bad start too: there is no window. So
// are a line past the contract's maxLineBytes (a line that never ends must not fill memory) and
// more than maxIgnoredLines other lines (a flood must not fill the log).
func ReadStart(ctx context.Context, in io.Reader, warn func(string)) (int64, error) {
	type result struct {
		ms  int64
		err error
	}
	limits := contract.Rules().Stdin
	done := make(chan result, 1)
	go func() {
		scanner := bufio.NewScanner(in)
		// room for the longest line allowed and its newline: a longer one is ErrTooLong
		scanner.Buffer(make([]byte, 0, 4096), limits.MaxLineBytes+1)
		ignored := 0
		for scanner.Scan() {
			line := scanner.Text()
			if ms, ok := ParseStartLine(line); ok {
				done <- result{ms, CheckHorizon(ms, NowMs())}
				return
			}
			if ignored++; ignored > limits.MaxIgnoredLines {
				done <- result{err: &BadStart{fmt.Sprintf("more than %d stdin lines that are not \"START <epochMs>\"", limits.MaxIgnoredLines)}}
				return
			}
			warn(fmt.Sprintf("ignoring stdin line %s: expected \"START <epochMs>\"", quote(line)))
		}
		if errors.Is(scanner.Err(), bufio.ErrTooLong) {
			done <- result{err: &BadStart{fmt.Sprintf("a stdin line is longer than %d bytes", limits.MaxLineBytes)}}
			return
		}
		done <- result{err: &BadStart{"stdin closed before a START line arrived"}}
	}()
	select {
	case r := <-done:
		return r.ms, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// quote is JSON's quoting, as the other contenders print an ignored line.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// SleepUntil waits until wall-clock atMs (a timer, then a short spin for the last ms);
// false when ctx ended first.
func SleepUntil(ctx context.Context, atMs int64) bool {
	at := time.UnixMilli(atMs)
	if wait := time.Until(at) - 2*time.Millisecond; wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			return false
		}
	}
	for time.Now().Before(at) {
		if ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Microsecond)
	}
	return true
}
