//go:build dynamic

package kafka

import (
	"testing"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// The event server depends on two unexported fields of the pinned binding; a binding upgrade
// that moves them must fail here, not at run time.
func TestBindingFieldsAreWhereDeliveriesExpectThem(t *testing.T) {
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rk, term, err := binding(p)
	if err != nil {
		t.Fatal(err)
	}
	if rk == nil || term == nil || *term == nil {
		t.Fatalf("rk %v, pollerTermChan %v", rk, term)
	}
}
