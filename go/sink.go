//go:build !tuned

package main

import (
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka/confluent"
)

// The `go` contender's sink: confluent-kafka-go as shipped (sink_tuned.go is `go-tuned`'s).

// defaultContender is CONTENDER when unset.
const defaultContender = "go"

func newProducer(bootstrap, topic, contender string, settings map[string]string, h kafka.Handlers) (kafka.Producer, error) {
	p, err := confluent.NewProducer(bootstrap, topic, contender, settings, h)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func libraryVersion() string { return confluent.LibraryVersion() }

func kafkaBinding() string { return confluent.Binding() }
