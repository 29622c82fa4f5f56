//go:build tuned

package main

import (
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka/rdkafka"
)

// The `go-tuned` contender's sink (go build -tags dynamic,tuned): librdkafka through cgo on its
// own handle (sink.go is `go`'s).

// defaultContender is CONTENDER when unset.
const defaultContender = "go-tuned"

func newProducer(bootstrap, topic, contender string, settings map[string]string, h kafka.Handlers) (kafka.Producer, error) {
	p, err := rdkafka.NewProducer(bootstrap, topic, contender, settings, h)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func libraryVersion() string { return rdkafka.LibraryVersion() }

func kafkaBinding() string { return rdkafka.Binding() }
