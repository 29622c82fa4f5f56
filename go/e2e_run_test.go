package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// The end-to-end tests run the real binary against the test feed (internal/testfeed) and a real
// broker (KAFKA_BOOTSTRAP_SERVERS; `bun run test` sets it, or start one with `bun run kafka`).
// Every @bench line and every report is checked against the contract's schemas.

func bootstrap(t *testing.T) string {
	t.Helper()
	b := os.Getenv("KAFKA_BOOTSTRAP_SERVERS")
	if b == "" {
		if testing.Short() {
			t.Skip("-short: no KAFKA_BOOTSTRAP_SERVERS")
		}
		t.Fatal("KAFKA_BOOTSTRAP_SERVERS is not set: this test needs a real broker. Run `bun run test` from the repository root " +
			"(it starts one), or start one with `bun run kafka` and run `KAFKA_BOOTSTRAP_SERVERS=<its address> go test -tags dynamic ./...` " +
			"(use -short to skip the broker tests)")
	}
	return b
}

var (
	buildOnce   sync.Once
	builtBinary string
	buildErr    error
)

// binary is GO_PRODUCER_BIN (set by `bun run test`) or a fresh build of this package.
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("GO_PRODUCER_BIN"); b != "" {
		if _, err := os.Stat(b); err == nil {
			return b
		}
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "go-producer-test")
		if err != nil {
			buildErr = err
			return
		}
		builtBinary = filepath.Join(dir, "go-producer")
		out, err := exec.Command("go", "build", "-tags", "dynamic", "-o", builtBinary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBinary
}

type runResult struct {
	exitCode int
	events   []map[string]any
	stdout   string
	stderr   string
	report   map[string]any
}

type runOptions struct {
	env       map[string]string
	signal    syscall.Signal // sent signalAt into the window
	signalAt  time.Duration
	startIn   time.Duration // START this long after ready (default 300 ms; negative: in the past)
	reportDir string
}

func runBinary(t *testing.T, o runOptions) runResult {
	t.Helper()
	if keep := os.Getenv("GO_TEST_REPORT_DIR"); keep != "" {
		o.reportDir = filepath.Join(keep, t.Name()) // keep the report for inspection
	}
	repo, _ := filepath.Abs("..")
	cmd := exec.Command(binary(t))
	cmd.Dir = repo // the bench runs contenders from the repository root
	cmd.Env = append(os.Environ(), "START_MODE=stdin", "REPORT_DIR="+o.reportDir, "WARMUP_SECONDS=0")
	for k, v := range o.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	res := runResult{}
	var lines strings.Builder
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		line := scanner.Text()
		lines.WriteString(line + "\n")
		if !strings.HasPrefix(line, contract.EventPrefix) {
			continue
		}
		if err := contract.ValidateEventLine(line); err != nil {
			t.Errorf("event line against events.schema.json: %v", err)
		}
		var ev map[string]any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(line, contract.EventPrefix)), &ev); err != nil {
			t.Errorf("bad @bench line %q: %v", line, err)
			continue
		}
		res.events = append(res.events, ev)
		switch ev["event"] {
		case "ready":
			startIn := o.startIn
			if startIn == 0 {
				startIn = 300 * time.Millisecond
			}
			fmt.Fprintf(stdin, "START %d\n", time.Now().Add(startIn).UnixMilli())
		case "start":
			if o.signal != 0 {
				go func() {
					time.Sleep(o.signalAt)
					_ = cmd.Process.Signal(o.signal)
				}()
			}
		}
	}
	_ = cmd.Wait()
	stdin.Close()
	res.exitCode = cmd.ProcessState.ExitCode()
	res.stdout, res.stderr = lines.String(), stderr.String()
	if t.Failed() || os.Getenv("GO_TEST_SHOW_OUTPUT") != "" {
		t.Logf("stdout:\n%s\nstderr:\n%s", res.stdout, res.stderr)
	}
	if data, err := os.ReadFile(filepath.Join(o.reportDir, "go_performance_report.json")); err == nil {
		if err := contract.ValidateReport(data); err != nil {
			t.Errorf("report against report.schema.json: %v", err)
		}
		_ = json.Unmarshal(data, &res.report)
		checkIntervals(t, res.report)
	}
	return res
}

// checkIntervals: one entry per 5 s of the window plus the one that closes it, offsets rising,
// never a second entry at the end.
func checkIntervals(t *testing.T, r map[string]any) {
	t.Helper()
	intervals, _ := r["intervals"].([]any)
	last := -1.0
	for i, iv := range intervals {
		offset := iv.(map[string]any)["offsetMs"].(float64)
		if offset <= last {
			t.Errorf("intervals[%d].offsetMs %v after %v", i, offset, last)
		}
		last = offset
	}
	if measured := num(t, r, "timing.measuredDurationMs"); len(intervals) > 0 && math.Abs(last-measured) > 1 {
		t.Errorf("the last interval ends at %v, the window at %v", last, measured)
	}
}

func get(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

func num(t *testing.T, m map[string]any, path string) float64 {
	t.Helper()
	v, ok := get(m, path).(float64)
	if !ok {
		t.Fatalf("report field %s missing or not a number: %v", path, get(m, path))
	}
	return v
}

func eventNames(res runResult) string {
	var names []string
	for _, ev := range res.events {
		names = append(names, ev["event"].(string))
	}
	return strings.Join(names, ",")
}
