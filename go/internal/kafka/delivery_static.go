//go:build !dynamic

package kafka

import (
	"errors"
	"sync"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// seqInOpaque: in this build the seq rides as each message's opaque and comes back through the
// binding's Events channel (the dynamic build serves librdkafka's queue itself, delivery_dynamic.go).
const seqInOpaque = true

// deliveries drains the binding's Events channel on its own goroutine.
type deliveries struct {
	p       *ck.Producer
	drained sync.WaitGroup
}

func startDeliveries(p *ck.Producer, h Handlers) (*deliveries, error) {
	d := &deliveries{p: p}
	d.drained.Add(1)
	go func() {
		defer d.drained.Done()
		for ev := range p.Events() {
			switch e := ev.(type) {
			case *ck.Message:
				if h.OnDelivery == nil && h.OnDeliveries == nil {
					continue
				}
				seq, _ := e.Opaque.(uint64)
				name := ""
				if err := e.TopicPartition.Error; err != nil {
					var kerr ck.Error
					if errors.As(err, &kerr) {
						name = ErrName(kerr.Code())
					} else {
						name = "UNKNOWN"
					}
				}
				if h.OnDeliveries != nil {
					h.OnDeliveries([]Delivery{{Seq: seq, ErrName: name}})
				} else {
					h.OnDelivery(seq, name)
				}
			default:
				forward(ev, h)
			}
		}
	}()
	return d, nil
}

func (d *deliveries) flush(timeoutMs int) int {
	if d.p.Len() == 0 {
		return 0
	}
	return d.p.Flush(timeoutMs)
}

func (d *deliveries) outqLen() int { return d.p.Len() }

// stop: the Events channel closes with the binding's Close; wait for the drain after it.
func (d *deliveries) stop() {}

func (d *deliveries) closed() { d.drained.Wait() }
