package main

import (
	"context"
	"fmt"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/metrics"
	"github.com/upbit-kafka-bench/go-producer/internal/pipeline"
	"github.com/upbit-kafka-bench/go-producer/internal/upbit"
)

// startupError is a failure before any connection, which leaves no report; exit is the name of
// its exit code in the contract's rules (broker, markets).
type startupError struct {
	msg  string
	exit string
}

func (e *startupError) Error() string { return e.msg }

// startUp: everything before the first WebSocket. The producer (a property librdkafka rejects is
// a kafka.ConfigError, exit config), the broker's metadata answer within STARTUP_TIMEOUT_MS (exit
// broker), and the market list (exit markets).
func (r *runner) startUp(ctx context.Context) error {
	cfg := r.cfg
	r.rec = metrics.NewRecorder()
	r.pl = pipeline.New(r.rec)
	producer, err := newProducer(cfg.KafkaBootstrapServers, cfg.KafkaTopic, cfg.Contender, r.settings, kafka.Handlers{
		OnDeliveries: r.pl.OnDeliveries,
		OnStats:      r.pl.OnStats,
		OnError:      func(message string) { r.out.Log("kafka: " + message) },
	})
	if err != nil {
		return err
	}
	r.producer = producer
	if err := producer.CheckBroker(cfg.StartupTimeoutMs); err != nil {
		return &startupError{fmt.Sprintf("Kafka at %s unreachable: %v", cfg.KafkaBootstrapServers, err), "broker"}
	}
	startup := time.Duration(cfg.StartupTimeoutMs) * time.Millisecond
	r.codes, err = upbit.FetchMarkets(ctx, cfg.UpbitRestURL, startup, cfg.MarketsLimit)
	if err != nil {
		return &startupError{err.Error(), "markets"}
	}
	return nil
}
