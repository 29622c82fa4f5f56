package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// consumeAll reads the whole topic back and checks that seq headers are 1..n with no gaps or
// duplicates over warm-up and window together, that every warm-up seq comes before every window
// seq, and that every value is a frame the feed sent as valid. It returns the count per phase.
func consumeAll(t *testing.T, bootstrap, topic string, want int, valid func([]byte) bool) map[string]int {
	t.Helper()
	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": bootstrap, "group.id": "go-test-" + topic, "auto.offset.reset": "earliest", "enable.auto.commit": false})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Subscribe(topic, nil); err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	phases := map[string]int{}
	deadline := time.Now().Add(30 * time.Second)
	for len(seen) < want && time.Now().Before(deadline) {
		msg, err := c.ReadMessage(time.Second)
		if err != nil {
			continue
		}
		h := map[string]string{}
		for _, header := range msg.Headers {
			h[header.Key] = string(header.Value)
		}
		n, err := strconv.Atoi(h["seq"])
		if err != nil || h["contender"] != "go" || h["phase"] != "warmup" && h["phase"] != "window" {
			t.Fatalf("bad headers %v", h)
		}
		if _, dup := seen[n]; dup {
			t.Fatalf("seq %d duplicated", n)
		}
		seen[n] = h["phase"]
		phases[h["phase"]]++
		if valid != nil && !valid(msg.Value) {
			t.Fatalf("seq %d: value is not a valid frame the feed sent: %.100s", n, msg.Value)
		}
		if code := string(msg.Key); !strings.Contains(string(msg.Value), `"code":"`+code+`"`) {
			t.Fatalf("seq %d: key %q does not match the frame", n, code)
		}
	}
	if len(seen) != want {
		t.Fatalf("read %d messages back, want %d", len(seen), want)
	}
	for i := 1; i <= want; i++ {
		if _, ok := seen[i]; !ok {
			t.Fatalf("seq %d missing", i)
		}
		if i > 1 && seen[i-1] == "window" && seen[i] == "warmup" {
			t.Fatalf("seq %d is warm-up after a window seq", i)
		}
	}
	if msg, err := c.ReadMessage(2 * time.Second); err == nil {
		t.Fatalf("extra message in the topic: %v", msg.Headers)
	}
	return phases
}
