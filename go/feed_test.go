package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeFeed is a tiny local Upbit: GET /v1/market/all and /websocket/v1 ticker frames (binary,
// DEFAULT format) for the subscribed codes, one frame every `every`. Every malformedEvery-th
// frame is broken; a {"status":"UP"} frame is sent after subscribe. dropAfter closes every
// socket once, that long after its subscribe.
type fakeFeed struct {
	server         *httptest.Server
	markets        []string
	every          time.Duration
	malformedEvery int64
	dropAfter      time.Duration

	sent      atomic.Int64
	malformed atomic.Int64
	subscribe atomic.Int64
	dropped   sync.Map
	mu        sync.Mutex
	valid     map[string]bool // every valid frame sent
}

func newFakeFeed(t *testing.T, markets []string, every time.Duration) *fakeFeed {
	f := &fakeFeed{markets: markets, every: every, valid: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/market/all", func(w http.ResponseWriter, r *http.Request) {
		list := []map[string]string{}
		for _, m := range markets {
			list = append(list, map[string]string{"market": m, "korean_name": m, "english_name": m})
		}
		w.Header().Set("content-type", "application/json")
		_ = json.NewEncoder(w).Encode(list)
	})
	upgrader := websocket.Upgrader{}
	mux.HandleFunc("/websocket/v1", func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		f.serve(ws)
	})
	f.server = httptest.NewServer(mux)
	t.Cleanup(f.server.Close)
	return f
}

func (f *fakeFeed) restURL() string { return f.server.URL }
func (f *fakeFeed) wsURL() string {
	return "ws" + strings.TrimPrefix(f.server.URL, "http") + "/websocket/v1"
}

func (f *fakeFeed) serve(ws *websocket.Conn) {
	_, msg, err := ws.ReadMessage()
	if err != nil {
		return
	}
	var sub []map[string]any
	if json.Unmarshal(msg, &sub) != nil || len(sub) != 3 {
		_ = ws.WriteMessage(websocket.BinaryMessage, []byte(`{"error":{"name":"WRONG_FORMAT","message":"bad"}}`))
		return
	}
	ticket, _ := sub[0]["ticket"].(string)
	var codes []string
	for _, c := range sub[1]["codes"].([]any) {
		codes = append(codes, c.(string))
	}
	f.subscribe.Add(1)
	done := make(chan struct{})
	go func() { // read pings/closes until the client goes
		defer close(done)
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	_ = ws.WriteMessage(websocket.BinaryMessage, []byte(`{"status":"UP"}`))
	subscribedAt := time.Now()
	tick := time.NewTicker(f.every)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		if f.dropAfter > 0 && time.Since(subscribedAt) > f.dropAfter {
			if _, already := f.dropped.LoadOrStore(ticket, true); !already {
				return // abrupt close: the client reconnects
			}
		}
		n := f.sent.Add(1)
		code := codes[i%len(codes)]
		var frame []byte
		if f.malformedEvery > 0 && n%f.malformedEvery == 0 {
			f.malformed.Add(1)
			frame = []byte(fmt.Sprintf(`{"type":"ticker","code":"%s","trade_price":`, code)) // truncated
		} else {
			frame = []byte(fmt.Sprintf(`{"type":"ticker","code":"%s","opening_price":100,"trade_price":%d,"timestamp":%d,"stream_type":"REALTIME","n":%d}`,
				code, 100+n, time.Now().UnixMilli(), n))
			f.mu.Lock()
			f.valid[string(frame)] = true
			f.mu.Unlock()
		}
		if err := ws.WriteMessage(websocket.BinaryMessage, frame); err != nil {
			return
		}
	}
}

func (f *fakeFeed) isValid(frame []byte) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.valid[string(frame)]
}
