package clock

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestAutoStartIsABoundaryAtLeastTheWarmupAfterReady(t *testing.T) {
	for _, c := range []struct{ ready, warmup, want int64 }{
		{1_764_000_000_001, 0, 1_764_000_010_000},
		{1_764_000_009_999, 0, 1_764_000_010_000},
		{1_764_000_000_000, 0, 1_764_000_000_000},
		{1_764_000_000_001, 10_000, 1_764_000_020_000},
		{1_764_000_000_000, 10_000, 1_764_000_010_000},
		{1_764_000_005_000, 3_000, 1_764_000_010_000},
	} {
		if got := AutoStart(c.ready, c.warmup); got != c.want {
			t.Errorf("AutoStart(%d, %d) = %d, want %d", c.ready, c.warmup, got, c.want)
		}
	}
}

func TestParseStartLine(t *testing.T) {
	if v, ok := ParseStartLine("START 1764000010000"); !ok || v != 1_764_000_010_000 {
		t.Fatal("START line")
	}
	if v, ok := ParseStartLine("START 1764000010000\r"); !ok || v != 1_764_000_010_000 {
		t.Fatal("START line with CR")
	}
	for _, bad := range []string{"START soon", "GO 1764000010000", "START -12", "START 1e12"} {
		if _, ok := ParseStartLine(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestReadStartFromStdin(t *testing.T) {
	var warned []string
	now := NowMs()
	line := "hello\nSTART " + strconv.FormatInt(now+5000, 10) + "\n"
	got, err := ReadStart(context.Background(), strings.NewReader(line), func(s string) { warned = append(warned, s) })
	if err != nil || got != now+5000 || len(warned) != 1 {
		t.Fatalf("got %d %v %v", got, err, warned)
	}
	var bad *BadStart
	if _, err := ReadStart(context.Background(), strings.NewReader(""), func(string) {}); !errors.As(err, &bad) {
		t.Fatalf("closed stdin: %v", err)
	}
}

// A START outside [now − 60 s, now + 1 h] is refused as a bad start.
func TestStartHorizon(t *testing.T) {
	now := int64(1_764_000_000_000)
	for _, c := range []struct {
		start int64
		ok    bool
	}{{now, true}, {now - 60_000, true}, {now - 60_001, false}, {now + 3_600_000, true}, {now + 3_600_001, false}, {12, false}} {
		err := CheckHorizon(c.start, now)
		var bad *BadStart
		if (err == nil) != c.ok || err != nil && !errors.As(err, &bad) {
			t.Errorf("START %d: %v", c.start, err)
		}
	}
}
