package kafka

import ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

// forward hands a statistics or error event the binding's poller took to the handlers; both
// builds (dynamic and static) serve their non-delivery events through it.
func forward(ev ck.Event, h Handlers) {
	switch e := ev.(type) {
	case *ck.Stats:
		if h.OnStats != nil {
			h.OnStats(e.String())
		}
	case ck.Error:
		if h.OnError != nil {
			fatal := ""
			if e.IsFatal() {
				fatal = "FATAL "
			}
			h.OnError(fatal + ErrName(e.Code()) + ": " + e.String())
		}
	}
}
