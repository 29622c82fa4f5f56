package upbit

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ClientOptions configures the connections of one run.
type ClientOptions struct {
	URL              string
	TicketPrefix     string
	Channel          string // ticker, trade or orderbook
	Compression      bool   // offer permessage-deflate
	PingInterval     time.Duration
	HandshakeTimeout time.Duration
	SilenceTimeout   time.Duration // 0: no watchdog
	MaxRetries       int
	BackoffBaseMs    int
	StableAfter      time.Duration // open this long before a drop resets the retry budget
	MaxFrameBytes    int
	// OnFrame receives every message from the connection's own goroutine (concurrently across
	// connections). frame is only valid during the call. It returns whether the message was a
	// data frame (status and error frames are not), which is what the silence watchdog waits for.
	OnFrame func(frame []byte, size int) (data bool)
	// OnRefused is told of a data message refused unread, which failed its connection: "too-large"
	// (past MaxFrameBytes, close 1009) or "bad-utf8" (a text frame that is not UTF-8, close 1007).
	OnRefused func(reason string)
	OnLog     func(line string)
}

// ClientStats are the connection counters of the report.
type ClientStats struct {
	Opened            int
	Reconnects        int
	Failed            int
	RateLimited       int
	HandshakeTimeouts int
	SilenceReconnects int
	Flaps             int
	DisconnectedMs    int64
	ConnectUs         []float64 // TCP + TLS + upgrade, per successful open
	// Compression is what the server accepted, every distinct value joined by " | " ("none"
	// before any connection opened).
	Compression string
}

// Client runs one goroutine per planned connection.
type Client struct {
	opts   ClientOptions
	plan   []PlannedConnection
	dialer websocket.Dialer
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu          sync.Mutex
	stats       ClientStats
	compression map[string]bool
	settled     []bool // subscribed once, or given up: what ready waits for
	unsettled   int
	ready       chan struct{}
	open        int
	down        *AllDownClock
}

// NewClient prepares the connections; Start opens them on their schedule.
func NewClient(plan []PlannedConnection, opts ClientOptions) *Client {
	c := &Client{
		opts: opts, plan: plan, settled: make([]bool, len(plan)), unsettled: len(plan),
		ready: make(chan struct{}), compression: map[string]bool{}, down: NewAllDownClock(time.Now()),
		dialer: websocket.Dialer{
			Proxy:             http.ProxyFromEnvironment,
			HandshakeTimeout:  opts.HandshakeTimeout,
			EnableCompression: opts.Compression,
			NetDialContext:    dialCapped,
		},
	}
	if len(plan) == 0 {
		close(c.ready)
	}
	return c
}

// Ready is closed when every connection is settled: subscribed, or given up.
func (c *Client) Ready() <-chan struct{} { return c.ready }

// Start opens every planned connection at firstBatch + its OpenAtMs.
func (c *Client) Start(parent context.Context, firstBatch time.Time) {
	ctx, cancel := context.WithCancel(parent)
	c.cancel = cancel
	for i := range c.plan {
		k := newConn(c, i)
		c.wg.Go(func() { k.run(ctx, firstBatch.Add(time.Duration(c.plan[i].OpenAtMs)*time.Millisecond)) })
	}
}

// Close stops every connection (sockets closed, retries cancelled) and waits for them.
func (c *Client) Close() {
	if c.cancel != nil {
		c.cancel()
	}
	c.wg.Wait()
}

// Stats is a copy of the counters.
func (c *Client) Stats() ClientStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.ConnectUs = slices.Clone(c.stats.ConnectUs)
	s.Compression = "none"
	if len(c.compression) > 0 {
		s.Compression = strings.Join(slices.Sorted(maps.Keys(c.compression)), " | ")
	}
	return s
}

// Live counts the connections open now.
func (c *Client) Live() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open
}

// LongestAllDown is the longest stretch within [from, to] with no connection open.
func (c *Client) LongestAllDown(from, to time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.down.LongestWithin(from, to)
}

func (c *Client) update(f func(s *ClientStats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.stats)
}

// opened records a subscribed connection.
func (c *Client) opened(i int, connectUs float64, compression string, disconnected time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Opened++
	c.stats.ConnectUs = append(c.stats.ConnectUs, connectUs)
	c.stats.DisconnectedMs += disconnected.Milliseconds()
	c.compression[compression] = true
	c.open++
	c.down.OpenCount(c.open, time.Now())
	c.settleLocked(i)
}

// closed records an open connection that dropped.
func (c *Client) closed(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open--
	c.down.OpenCount(c.open, at)
}

// gaveUp records a connection out of retries.
func (c *Client) gaveUp(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Failed++
	c.settleLocked(i)
}

func (c *Client) settleLocked(i int) {
	if c.settled[i] {
		return
	}
	c.settled[i] = true
	if c.unsettled--; c.unsettled == 0 {
		close(c.ready)
	}
}

func (c *Client) log(format string, args ...any) {
	if c.opts.OnLog != nil {
		c.opts.OnLog(fmt.Sprintf(format, args...))
	}
}
