package clock

import (
	"context"
	"strings"
	"testing"
)

func TestNextBoundary(t *testing.T) {
	for _, now := range []int64{1_764_000_000_000, 1_764_000_000_001, 1_764_000_009_999} {
		if got := NextBoundary(now, BoundaryMs); got != 1_764_000_010_000 {
			t.Errorf("NextBoundary(%d) = %d", now, got)
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
	for _, bad := range []string{"START soon", "GO 1764000010000", "START 12"} {
		if _, ok := ParseStartLine(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestStartTimeFromStdin(t *testing.T) {
	var warned []string
	got, err := StartTime(context.Background(), "stdin", strings.NewReader("hello\nSTART 1764000010000\n"), func(s string) { warned = append(warned, s) })
	if err != nil || got != 1_764_000_010_000 || len(warned) != 1 {
		t.Fatalf("got %d %v %v", got, err, warned)
	}
	if _, err := StartTime(context.Background(), "stdin", strings.NewReader(""), func(string) {}); err == nil {
		t.Fatal("closed stdin gave no error")
	}
	auto, _ := StartTime(context.Background(), "auto", nil, nil)
	if auto%BoundaryMs != 0 || auto <= NowMs() {
		t.Fatalf("auto start %d", auto)
	}
}
