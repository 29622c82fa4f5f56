package upbit

import (
	"encoding/json"
	"fmt"
)

// SubscribeMessage is the one request each connection sends after it opens: its ticket, the
// channel and its codes, DEFAULT format. https://docs.upbit.com/reference/websocket-request-format
func SubscribeMessage(ticket, channel string, codes []string) []byte {
	message, _ := json.Marshal([]any{
		map[string]string{"ticket": ticket},
		map[string]any{"type": channel, "codes": codes},
		map[string]string{"format": "DEFAULT"},
	})
	return message
}

// ticket names connection index of a run: the contender's name and the index.
func ticket(prefix string, index int) string { return fmt.Sprintf("%s-%d", prefix, index) }
