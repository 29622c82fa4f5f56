// Package kafkatest is what both Kafka sinks (confluent/, rdkafka/) must do, as tests each sink's
// own test file runs against it (the real broker of KAFKA_BOOTSTRAP_SERVERS where one is needed).
package kafkatest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/upbit-kafka-bench/go-producer/internal/config"
	"github.com/upbit-kafka-bench/go-producer/internal/kafka"
)

// NewProducer is a sink's constructor.
type NewProducer func(bootstrap, topic, contender string, settings map[string]string, h kafka.Handlers) (kafka.Producer, error)

// BadProperties: a property librdkafka refuses is a *kafka.ConfigError naming the property and
// its value (exit 2), also when librdkafka knows it by another name.
func BadProperties(t *testing.T, newProducer NewProducer) {
	for _, bad := range []map[string]string{{"no.such.thing": "1"}, {"linger.ms": "abc"}} {
		_, err := newProducer("127.0.0.1:1", "t", "go", bad, kafka.Handlers{})
		ce, ok := err.(*kafka.ConfigError)
		if !ok {
			t.Fatalf("%v: %T %v", bad, err, err)
		}
		for k, v := range bad {
			if want := k + "=" + v; !strings.Contains(ce.Message, want) {
				t.Errorf("%q does not name %q", ce.Message, want)
			}
		}
	}
}

// ProduceToRealBroker produces through the sink, checks every delivery report succeeds once, and
// reads the topic back: seq headers 1..n, no gaps, no duplicates.
func ProduceToRealBroker(t *testing.T, newProducer NewProducer, libraryVersion func() string) {
	bootstrap := os.Getenv("KAFKA_BOOTSTRAP_SERVERS")
	if bootstrap == "" {
		if testing.Short() {
			t.Skip("-short: no KAFKA_BOOTSTRAP_SERVERS")
		}
		t.Fatal("KAFKA_BOOTSTRAP_SERVERS is not set: this test needs a real broker. Run `bun run test` from the repository root " +
			"(it starts one), or start one with `bun run kafka` and set KAFKA_BOOTSTRAP_SERVERS to the address it prints (-short skips this test)")
	}
	settings, err := kafka.LoadSettings(config.DefaultSettingsPath(), nil)
	if err != nil {
		t.Fatal(err)
	}
	topic := fmt.Sprintf("go-kafka-test-%d", time.Now().UnixNano())
	const n = 2000
	var mu sync.Mutex
	delivered := map[uint64]int{}
	failed := map[string]int{}
	var stats []string
	p, err := newProducer(bootstrap, topic, "go", settings, kafka.Handlers{
		OnDelivery: func(seq uint64, errName string) {
			mu.Lock()
			defer mu.Unlock()
			if errName != "" {
				failed[errName]++
			} else {
				delivered[seq]++
			}
		},
		OnStats: func(s string) { mu.Lock(); stats = append(stats, s); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckBroker(10_000); err != nil {
		t.Fatal(err)
	}
	if libraryVersion() != "2.15.1" {
		t.Errorf("librdkafka %s, want the shared 2.15.1 build", libraryVersion())
	}
	for seq := uint64(1); seq <= n; seq++ {
		value := []byte(fmt.Sprintf(`{"type":"ticker","code":"KRW-BTC","trade_price":%d}`, seq))
		for {
			ok, err := p.Produce([]byte("KRW-BTC"), value, seq, kafka.PhaseWindow)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	if left := p.Flush(15_000); left != 0 {
		t.Fatalf("%d left after flush", left)
	}
	time.Sleep(1200 * time.Millisecond) // one stats interval
	p.Close()
	if len(failed) != 0 || len(delivered) != n {
		t.Fatalf("delivered %d, failed %v", len(delivered), failed)
	}
	for seq, count := range delivered {
		if count != 1 {
			t.Fatalf("seq %d reported %d times", seq, count)
		}
	}
	if len(stats) == 0 || kafka.SummarizeStats(stats).Samples != len(stats) {
		t.Errorf("stats: %d samples", len(stats))
	}

	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": bootstrap, "group.id": topic, "auto.offset.reset": "earliest"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.Subscribe(topic, nil)
	seen := map[int]bool{}
	deadline := time.Now().Add(30 * time.Second)
	for len(seen) < n && time.Now().Before(deadline) {
		msg, err := c.ReadMessage(time.Second)
		if err != nil {
			continue
		}
		headers := map[string]string{}
		for _, h := range msg.Headers {
			headers[h.Key] = string(h.Value)
		}
		seq, err := strconv.Atoi(headers["seq"])
		if err != nil || headers["contender"] != "go" || headers["phase"] != "window" || string(msg.Key) != "KRW-BTC" {
			t.Fatalf("message headers %v key %q", headers, msg.Key)
		}
		if seen[seq] {
			t.Fatalf("seq %d duplicated", seq)
		}
		seen[seq] = true
	}
	for seq := 1; seq <= n; seq++ {
		if !seen[seq] {
			t.Fatalf("seq %d missing (read %d)", seq, len(seen))
		}
	}
}
