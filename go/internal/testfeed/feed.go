// Package testfeed is a tiny local Upbit for the Go tests: GET /v1/market/all and
// /websocket/v1 frames (binary, DEFAULT format) of the subscribed channel, with the faults the
// contract handles switched on per test: malformed frames, drops, flaps, silence, 429s, huge
// frames, error frames. It offers permessage-deflate like Upbit does.
package testfeed

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Feed is the server; set the fault fields before the first connection.
type Feed struct {
	Markets []string
	Every   time.Duration // one frame per connection this often

	MalformedEvery int64         // every n-th frame is truncated
	DropAfter      time.Duration // close each ticket's socket once, this long after subscribe
	FlapAfter      time.Duration // close every socket this long after subscribe
	SilentAfter    time.Duration // each ticket's first socket sends only status frames after this long
	Refuse429      int64         // answer the first n upgrades with 429
	HugeFrameBytes int           // one socket sends one frame this large (HugeAfter its subscribe)
	HugeAfter      time.Duration
	ErrorFrame     string        // sent once per socket after subscribe: {"error":{"name":...}}
	MarketsDelay   time.Duration // the market list answers this late
	MarketsBody    []byte        // answered instead of the real list

	Subscribes atomic.Int64
	Sent       atomic.Int64 // data frames, valid or not
	Malformed  atomic.Int64
	HugeSent   atomic.Int64

	subscribedAt []time.Time

	server  *httptest.Server
	upgrade atomic.Int64
	once    sync.Map // ticket + fault → already done
	mu      sync.Mutex
	valid   map[string]bool // every valid frame sent
}

// New starts a feed for markets, one frame per connection every `every`; it stops with t.
func New(t testing.TB, markets []string, every time.Duration) *Feed {
	f := &Feed{Markets: markets, Every: every, valid: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/market/all", f.marketList)
	upgrader := websocket.Upgrader{EnableCompression: true}
	mux.HandleFunc("/websocket/v1", func(w http.ResponseWriter, r *http.Request) {
		if f.upgrade.Add(1) <= f.Refuse429 {
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
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

func (f *Feed) RestURL() string { return f.server.URL }
func (f *Feed) WsURL() string {
	return "ws" + strings.TrimPrefix(f.server.URL, "http") + "/websocket/v1"
}

func (f *Feed) marketList(w http.ResponseWriter, r *http.Request) {
	if f.MarketsDelay > 0 {
		select {
		case <-time.After(f.MarketsDelay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("content-type", "application/json")
	if f.MarketsBody != nil {
		_, _ = w.Write(f.MarketsBody)
		return
	}
	list := []map[string]string{}
	for _, m := range f.Markets {
		list = append(list, map[string]string{"market": m, "korean_name": m, "english_name": m})
	}
	_ = json.NewEncoder(w).Encode(list)
}

// first is true once per key.
func (f *Feed) first(key string) bool {
	_, done := f.once.LoadOrStore(key, true)
	return !done
}

// SubscribedAt lists when each subscription arrived.
func (f *Feed) SubscribedAt() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.subscribedAt...)
}

// IsValid tells whether frame is byte for byte a valid frame the feed sent.
func (f *Feed) IsValid(frame []byte) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.valid[string(frame)]
}

func (f *Feed) remember(frame []byte) {
	f.mu.Lock()
	f.valid[string(frame)] = true
	f.mu.Unlock()
}
