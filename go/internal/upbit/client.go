package upbit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ClientOptions configures the connections of one run.
type ClientOptions struct {
	URL            string
	TicketPrefix   string
	PingInterval   time.Duration
	MaxRetries     int
	BackoffBaseMs  int
	HandshakeLimit time.Duration
	// OnFrame receives every message, from the connection's own goroutine (concurrently across
	// connections). The slice is the caller's to keep.
	OnFrame func(frame []byte)
	OnLog   func(line string)
}

// ClientStats are the connection counters of the report.
type ClientStats struct {
	Opened         int
	Reconnects     int
	Failed         int
	RateLimited    int
	DisconnectedMs int64
	ConnectUs      []int64 // dial (TCP+TLS+upgrade) per successful open
}

// Client runs one goroutine per planned connection.
type Client struct {
	opts   ClientOptions
	plan   []PlannedConnection
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	stats      ClientStats
	subscribed []bool
	gaveUp     []bool
	waiting    int
	ready      chan struct{}
}

// NewClient plans nothing by itself: Start opens the connections on their schedule.
func NewClient(plan []PlannedConnection, opts ClientOptions) *Client {
	if opts.HandshakeLimit == 0 {
		opts.HandshakeLimit = 15 * time.Second
	}
	c := &Client{opts: opts, plan: plan, subscribed: make([]bool, len(plan)), gaveUp: make([]bool, len(plan)), waiting: len(plan), ready: make(chan struct{})}
	if len(plan) == 0 {
		close(c.ready)
	}
	return c
}

// Ready is closed when every connection is subscribed or given up.
func (c *Client) Ready() <-chan struct{} { return c.ready }

// Start opens every planned connection at its OpenAtMs after now.
func (c *Client) Start(parent context.Context) {
	c.ctx, c.cancel = context.WithCancel(parent)
	for i := range c.plan {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.run(i)
		}()
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
	s.ConnectUs = append([]int64(nil), c.stats.ConnectUs...)
	return s
}

// Live counts connections subscribed and not given up.
func (c *Client) Live() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for i := range c.plan {
		if c.subscribed[i] && !c.gaveUp[i] {
			n++
		}
	}
	return n
}

func (c *Client) markSubscribed(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subscribed[i] {
		return
	}
	c.subscribed[i] = true
	c.waiting--
	if c.waiting == 0 {
		close(c.ready)
	}
}

func (c *Client) log(format string, args ...any) {
	if c.opts.OnLog != nil {
		c.opts.OnLog(fmt.Sprintf(format, args...))
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// run is one connection's whole life: open, subscribe, read, reconnect with backoff.
func (c *Client) run(i int) {
	ctx := c.ctx
	planned := c.plan[i]
	if !sleepCtx(ctx, time.Duration(planned.OpenAtMs)*time.Millisecond) {
		return
	}
	subscribe, _ := json.Marshal([]any{
		map[string]string{"ticket": fmt.Sprintf("%s-%d", c.opts.TicketPrefix, planned.Index)},
		map[string]any{"type": "ticker", "codes": planned.Codes},
		map[string]string{"format": "DEFAULT"},
	})
	dialer := websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: c.opts.HandshakeLimit}
	attempts := 0
	var droppedAt time.Time
	// a drop that was not resubscribed before the end still counts as disconnected time
	defer func() {
		if !droppedAt.IsZero() {
			c.mu.Lock()
			c.stats.DisconnectedMs += time.Since(droppedAt).Milliseconds()
			c.mu.Unlock()
		}
	}()

	// retry decides whether to try again; false when given up or shutting down
	retry := func(why string, refused bool) bool {
		if droppedAt.IsZero() {
			droppedAt = time.Now()
		}
		if attempts >= c.opts.MaxRetries {
			c.mu.Lock()
			c.gaveUp[i] = true
			c.stats.Failed++
			c.mu.Unlock()
			c.log("connection %d %s; gave up after %d retries", planned.Index, why, attempts)
			c.markSubscribed(i)
			return false
		}
		attempts++
		c.mu.Lock()
		c.stats.Reconnects++
		c.mu.Unlock()
		delay := BackoffDelay(attempts, c.opts.BackoffBaseMs, refused, rand.Float64)
		c.log("connection %d %s; retry %d/%d in %d ms", planned.Index, why, attempts, c.opts.MaxRetries, delay)
		return sleepCtx(ctx, time.Duration(delay)*time.Millisecond)
	}

	for ctx.Err() == nil {
		started := time.Now()
		ws, resp, err := dialer.DialContext(ctx, c.opts.URL, nil)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			why := err.Error()
			if resp != nil {
				why = fmt.Sprintf("handshake answered %s", resp.Status)
				if resp.StatusCode == http.StatusTooManyRequests {
					c.mu.Lock()
					c.stats.RateLimited++
					c.mu.Unlock()
				}
			}
			// a handshake that never opened is treated like a 429: back off harder
			if !retry(why, true) {
				return
			}
			continue
		}
		connectUs := time.Since(started).Microseconds()
		stop := context.AfterFunc(ctx, func() { ws.Close() })
		if err := ws.WriteMessage(websocket.TextMessage, subscribe); err != nil {
			stop()
			ws.Close()
			if ctx.Err() != nil || !retry(fmt.Sprintf("subscribe failed: %v", err), false) {
				return
			}
			continue
		}
		c.mu.Lock()
		c.stats.ConnectUs = append(c.stats.ConnectUs, connectUs)
		c.stats.Opened++
		if !droppedAt.IsZero() {
			c.stats.DisconnectedMs += time.Since(droppedAt).Milliseconds()
			droppedAt = time.Time{}
		}
		c.mu.Unlock()
		attempts = 0
		c.markSubscribed(i)

		pingDone := make(chan struct{})
		go func() {
			ticker := time.NewTicker(c.opts.PingInterval)
			defer ticker.Stop()
			for {
				select {
				case <-ticker.C:
					_ = ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second))
				case <-pingDone:
					return
				}
			}
		}()
		var readErr error
		for {
			_, frame, err := ws.ReadMessage()
			if err != nil {
				readErr = err
				break
			}
			c.opts.OnFrame(frame)
		}
		close(pingDone)
		stop()
		ws.Close()
		if ctx.Err() != nil {
			return
		}
		why := "closed"
		var ce *websocket.CloseError
		if errors.As(readErr, &ce) {
			why = fmt.Sprintf("closed (%d%s)", ce.Code, prefixed(ce.Text))
		} else if readErr != nil {
			why = fmt.Sprintf("closed (%v)", readErr)
		}
		if !retry(why, false) {
			return
		}
	}
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}
