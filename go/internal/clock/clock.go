// Package clock decides when the measuring window opens: the next 10-second wall-clock
// boundary (START_MODE=auto), or the epoch ms the bench writes on stdin as `START <epochMs>`.
package clock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"
)

// BoundaryMs aligns contenders started separately on the same instants.
const BoundaryMs = 10_000

// NextBoundary is the first multiple of boundaryMs strictly after nowMs.
func NextBoundary(nowMs, boundaryMs int64) int64 {
	return (nowMs/boundaryMs + 1) * boundaryMs
}

var startLine = regexp.MustCompile(`^START (\d{10,16})\s*$`)

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

// StartTime returns the window start for the mode. In stdin mode it reads lines from in until a
// START line; other lines are reported to warn and ignored.
func StartTime(ctx context.Context, mode string, in io.Reader, warn func(string)) (int64, error) {
	if mode == "auto" {
		return NextBoundary(NowMs(), BoundaryMs), nil
	}
	type result struct {
		ms  int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		scanner := bufio.NewScanner(in)
		for scanner.Scan() {
			line := scanner.Text()
			if ms, ok := ParseStartLine(line); ok {
				done <- result{ms: ms}
				return
			}
			warn(fmt.Sprintf("ignoring stdin line %q: expected \"START <epochMs>\"", line))
		}
		done <- result{err: errors.New("stdin closed before a START line arrived")}
	}()
	select {
	case r := <-done:
		return r.ms, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
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
