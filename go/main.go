// The `go` and `go-tuned` contenders: the Upbit → Kafka producer of docs/contenders.md in Go, with
// gorilla/websocket and hdrhistogram-go, built -tags dynamic against the project's one
// librdkafka. The Kafka sink is picked by build tag: confluent-kafka-go as shipped (sink.go,
// `go`) or librdkafka through cgo on a handle of its own (sink_tuned.go, -tags tuned,
// `go-tuned`). One goroutine per connection; delivery reports drained by their own goroutine; the
// run's phases are the runner's methods (run.go).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/contract"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/report"
)

const runtimeName = "go"

// exitFatal is for what the contract does not foresee (a report that cannot be written).
const exitFatal = 1

func main() {
	os.Exit(mainCode(os.Args[1:]))
}

func mainCode(args []string) int {
	exit := contract.Rules().Exit
	cfg, err := config.Parse(os.Getenv, args, defaultContender)
	if errors.Is(err, config.ErrHelp) {
		config.Usage(os.Stdout)
		return exit.Complete
	}
	if err == nil {
		err = config.Check(cfg)
	}
	var settings map[string]string
	if err == nil {
		settings, err = kafka.LoadSettings(cfg.ProducerSettings, cfg.KafkaProperties)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "config error: %v\n", err)
		return exit.Config
	}

	// SIGINT and SIGTERM both close the window; which one came decides the exit code
	sigint, stopInt := signal.NotifyContext(context.Background(), syscall.SIGINT)
	defer stopInt()
	ctx, stopTerm := signal.NotifyContext(sigint, syscall.SIGTERM)
	defer stopTerm()

	// PPROF_CPU_FILE (not part of the contract): a pprof CPU profile of the whole run, for
	// docs/performance.md; unset, nothing is sampled
	if path := os.Getenv("PPROF_CPU_FILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() {
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
	}

	out := &Out{name: cfg.Contender, w: os.Stdout, scrub: contract.NewScrubber(settings, cfg.UpbitRestURL, cfg.UpbitWsURL)}
	r := &runner{cfg: cfg, settings: settings, out: out, sigint: sigint}
	code, err := r.run(ctx)
	if err != nil {
		var se *startupError
		var ce *kafka.ConfigError
		switch {
		case errors.As(err, &se):
			code = contract.ExitCode(se.exit)
		case errors.As(err, &ce):
			code = exit.Config
		default:
			code = exitFatal
		}
		out.Event(errorEvent{Event: "error", Message: err.Error()})
		fmt.Fprintf(os.Stderr, "[%s] fatal: %s\n", cfg.Contender, out.scrub.Scrub(err.Error()))
	}
	return code
}

func depVersion(path, fallback string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	return fallback
}

func runtimeInfo() report.Runtime {
	return report.Runtime{
		Name:         runtimeName,
		Version:      runtime.Version(),
		Websocket:    "gorilla/websocket " + depVersion("github.com/gorilla/websocket", "v1"),
		KafkaBinding: kafkaBinding(),
		HeapMeaning:  "Go runtime HeapAlloc (live heap objects), incl. the preallocated latency rings",
	}
}
