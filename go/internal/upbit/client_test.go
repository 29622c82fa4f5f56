package upbit

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/testfeed"
)

// frames counts what a client hands on, as the pipeline would see it.
type frames struct {
	data, other atomic.Int64
	mu          sync.Mutex
	refused     []string
}

func (f *frames) onFrame(frame []byte, size int) bool {
	if Classify(frame) != KindData {
		f.other.Add(1)
		return false
	}
	f.data.Add(1)
	return true
}

func (f *frames) onRefused(reason string) {
	f.mu.Lock()
	f.refused = append(f.refused, reason)
	f.mu.Unlock()
}

func options(url string, f *frames) ClientOptions {
	return ClientOptions{
		URL: url, TicketPrefix: "go", Channel: "ticker", Compression: true, PingInterval: time.Second,
		HandshakeTimeout: time.Second, MaxRetries: 3, BackoffBaseMs: 10, MaxFrameBytes: 1 << 20, OnFrame: f.onFrame,
		OnRefused: f.onRefused,
	}
}

// runClient runs a client over markets (two codes per connection, all opened at once) for d.
func runClient(t *testing.T, opts ClientOptions, markets []string, d time.Duration) ClientStats {
	t.Helper()
	s, _ := runClientDown(t, opts, markets, d)
	return s
}

// runClientDown also tells the longest stretch with no connection open in the run's last half.
func runClientDown(t *testing.T, opts ClientOptions, markets []string, d time.Duration) (ClientStats, time.Duration) {
	t.Helper()
	c := NewClient(PlanConnections(markets, 2, 10, 0), opts)
	c.Start(context.Background(), time.Now())
	time.Sleep(d / 2)
	from := time.Now()
	time.Sleep(d / 2)
	down := c.LongestAllDown(from, time.Now())
	c.Close()
	select {
	case <-c.Ready():
	default:
		t.Fatal("never ready")
	}
	return c.Stats(), down
}

var twoMarkets = []string{"KRW-BTC", "KRW-ETH"}

// A connection silent for SILENCE_TIMEOUT_MS (status frames do not count) is closed and
// reconnected; the watchdog counts it, the retry budget pays for it.
func TestSilenceWatchdogReconnects(t *testing.T) {
	feed := testfeed.New(t, twoMarkets, 5*time.Millisecond)
	feed.SilentAfter = 200 * time.Millisecond
	f := &frames{}
	opts := options(feed.WsURL(), f)
	opts.SilenceTimeout = 300 * time.Millisecond
	s := runClient(t, opts, twoMarkets, 1200*time.Millisecond)
	if s.SilenceReconnects != 1 || s.Reconnects != 1 || s.Opened != 2 || s.Failed != 0 {
		t.Fatalf("%+v", s)
	}
	if f.other.Load() < 10 {
		t.Fatalf("the silent socket sent %d status frames: the test does not show they are ignored", f.other.Load())
	}

	off := testfeed.New(t, twoMarkets, 5*time.Millisecond)
	off.SilentAfter = 100 * time.Millisecond
	opts = options(off.WsURL(), &frames{})
	if s := runClient(t, opts, twoMarkets, 600*time.Millisecond); s.SilenceReconnects != 0 || s.Reconnects != 0 {
		t.Fatalf("SILENCE_TIMEOUT_MS=0 still watches: %+v", s)
	}
}

// A drop sooner than RECONNECT_STABLE_MS after opening is a flap and keeps using up the same
// budget; with no stability asked for, every drop starts a fresh budget.
func TestFlapBudget(t *testing.T) {
	feed := testfeed.New(t, twoMarkets, 5*time.Millisecond)
	feed.FlapAfter = 30 * time.Millisecond
	opts := options(feed.WsURL(), &frames{})
	opts.MaxRetries, opts.StableAfter = 2, 10*time.Second
	s, down := runClientDown(t, opts, twoMarkets, 800*time.Millisecond)
	if s.Flaps != 3 || s.Reconnects != 2 || s.Opened != 3 || s.Failed != 1 {
		t.Fatalf("%+v", s)
	}
	// given up within ~150 ms: the whole second half had no connection open
	if down < 390*time.Millisecond {
		t.Fatalf("longest all-down in a 400-ms span: %v", down)
	}

	opts.StableAfter = 0
	s = runClient(t, opts, twoMarkets, 800*time.Millisecond)
	if s.Flaps != 0 || s.Failed != 0 || s.Reconnects <= 2 {
		t.Fatalf("budget not reset by stable drops: %+v", s)
	}
}

// A 150 MB frame is refused from its header (the contract: too-large, close 1009, reconnect
// within the budget): the client never reads it, and the next connection carries on.
func TestTooLargeFrameIsRefusedUnread(t *testing.T) {
	feed := testfeed.New(t, twoMarkets, 5*time.Millisecond)
	feed.HugeFrameBytes = 150 << 20
	f := &frames{}
	opts := options(feed.WsURL(), f)
	opts.Compression = false
	var before, after runtimeMem
	before.read()
	s := runClient(t, opts, twoMarkets, 1500*time.Millisecond)
	after.read()
	if feed.HugeSent.Load() != 1 || len(f.refused) != 1 || f.refused[0] != ReasonTooLarge {
		t.Fatalf("refused %v", f.refused)
	}
	if s.Reconnects != 1 || s.Failed != 0 || f.data.Load() < 20 {
		t.Fatalf("the connection did not come back: %+v, %d frames", s, f.data.Load())
	}
	if grew := after.totalAlloc - before.totalAlloc; grew > 40<<20 {
		t.Fatalf("allocated %d MB around a 150 MB frame", grew>>20)
	}
}

func TestCompressionNegotiated(t *testing.T) {
	feed := testfeed.New(t, twoMarkets, 5*time.Millisecond)
	if _, down := runClientDown(t, options(feed.WsURL(), &frames{}), twoMarkets, 400*time.Millisecond); down != 0 {
		t.Fatalf("all down for %v while connected", down)
	}
	for _, c := range []struct {
		offer bool
		want  string
	}{{true, "permessage-deflate"}, {false, "none"}} {
		f := &frames{}
		opts := options(feed.WsURL(), f)
		opts.Compression = c.offer
		if s := runClient(t, opts, twoMarkets, 300*time.Millisecond); s.Compression != c.want || f.data.Load() == 0 {
			t.Errorf("offer %v: %q, %d frames", c.offer, s.Compression, f.data.Load())
		}
	}
}

func TestRefusedHandshakesCountAsRateLimited(t *testing.T) {
	feed := testfeed.New(t, twoMarkets, 5*time.Millisecond)
	feed.Refuse429 = 2
	s := runClient(t, options(feed.WsURL(), &frames{}), twoMarkets, 500*time.Millisecond)
	if s.RateLimited != 2 || s.Reconnects != 2 || s.Opened != 1 {
		t.Fatalf("%+v", s)
	}
}

// A server that takes the TCP connection and never answers the upgrade: each attempt is
// abandoned at HANDSHAKE_TIMEOUT_MS; out of retries, the connection is given up (and settled).
func TestHandshakeTimeouts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	opts := options("ws://"+ln.Addr().String()+"/websocket/v1", &frames{})
	opts.HandshakeTimeout, opts.MaxRetries = 150*time.Millisecond, 1
	s := runClient(t, opts, twoMarkets, 700*time.Millisecond)
	if s.HandshakeTimeouts != 2 || s.Failed != 1 || s.Opened != 0 || s.Compression != "none" {
		t.Fatalf("%+v", s)
	}
}

// With CONNECT_PHASE_MS every batch opens on its wall-clock phase of CONNECT_INTERVAL_MS.
func TestBatchesOpenOnTheirPhase(t *testing.T) {
	feed := testfeed.New(t, twoMarkets, 5*time.Millisecond)
	markets := []string{"KRW-A", "KRW-B", "KRW-C"}
	c := NewClient(PlanConnections(markets, 1, 1, 200), options(feed.WsURL(), &frames{}))
	c.Start(context.Background(), time.UnixMilli(FirstBatchAt(time.Now().UnixMilli(), 200, 150)))
	<-c.Ready()
	// ready follows the client's write of the subscription; the feed reads it a moment later
	for deadline := time.Now().Add(time.Second); feed.Subscribes.Load() < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	c.Close()
	at := feed.SubscribedAt()
	if len(at) != 3 {
		t.Fatalf("%d subscriptions", len(at))
	}
	for i, t0 := range at {
		if phase := t0.UnixMilli() % 200; phase < 150 || phase > 190 {
			t.Errorf("connection %d subscribed at phase %d ms of 200, want 150 (+ connect time)", i, phase)
		}
		if i > 0 && at[i].Sub(at[i-1]) < 150*time.Millisecond {
			t.Errorf("batches %d and %d %v apart", i-1, i, at[i].Sub(at[i-1]))
		}
	}
}
