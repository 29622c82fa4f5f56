package upbit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// conn is one planned connection's whole life: open, subscribe, read, and after a drop ask
// afterDrop (drop.go) whether and when to try again.
type conn struct {
	c         *Client
	i         int
	index     int // ticket suffix
	subscribe []byte
	budget    *RetryBudget
	droppedAt time.Time // when an open connection dropped; zero while open or never opened
	buf       bytes.Buffer
}

func newConn(c *Client, i int) *conn {
	p := c.plan[i]
	return &conn{
		c: c, i: i, index: p.Index,
		subscribe: SubscribeMessage(ticket(c.opts.TicketPrefix, p.Index), c.opts.Channel, p.Codes),
		budget:    NewRetryBudget(c.opts.MaxRetries, c.opts.StableAfter),
	}
}

func (k *conn) run(ctx context.Context, openAt time.Time) {
	// a drop not resubscribed before the end still counts as disconnected time
	defer func() {
		if !k.droppedAt.IsZero() {
			k.c.update(func(s *ClientStats) { s.DisconnectedMs += time.Since(k.droppedAt).Milliseconds() })
		}
	}()
	if !sleepCtx(ctx, time.Until(openAt)) {
		return
	}
	for {
		ws, d := k.open(ctx)
		if ws != nil {
			d = k.serve(ctx, ws)
		}
		if !k.afterDrop(ctx, d) {
			return
		}
	}
}

// open dials and subscribes; on failure the drop says why.
func (k *conn) open(ctx context.Context) (*websocket.Conn, drop) {
	started := time.Now()
	capped := &capHolder{}
	ws, resp, err := k.c.dialer.DialContext(context.WithValue(ctx, capKey{}, capped), k.c.opts.URL, nil)
	if err != nil {
		return nil, dialDrop(ctx, resp, err)
	}
	capped.release()
	// gorilla fails the connection (close 1009) when a data message's frame headers announce more
	// than this, before reading the body, fragments summed
	ws.SetReadLimit(int64(k.c.opts.MaxFrameBytes))
	connectUs := float64(time.Since(started).Nanoseconds()) / 1000
	if err := ws.WriteMessage(websocket.TextMessage, k.subscribe); err != nil {
		ws.Close()
		return nil, drop{kind: dropError, why: fmt.Sprintf("subscribe failed: %v", err)}
	}
	var disconnected time.Duration
	if !k.droppedAt.IsZero() {
		disconnected = time.Since(k.droppedAt)
		k.droppedAt = time.Time{}
	}
	k.c.opened(k.i, connectUs, negotiated(resp), disconnected)
	return ws, drop{}
}

// negotiated is the extension the server accepted: the report's connections.compression.
func negotiated(resp *http.Response) string {
	if resp != nil && strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate") {
		return "permessage-deflate"
	}
	return "none"
}

// serve reads until the connection ends, pinging meanwhile, and says how it ended.
func (k *conn) serve(ctx context.Context, ws *websocket.Conn) drop {
	openedAt := time.Now()
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	pingDone := make(chan struct{})
	go k.ping(ws, pingDone)
	defer func() {
		close(pingDone)
		stop()
		ws.Close()
	}()
	// the watchdog is the read deadline, pushed forward by each data frame only
	silence := k.c.opts.SilenceTimeout
	if silence > 0 {
		_ = ws.SetReadDeadline(openedAt.Add(silence))
	}
	for {
		frame, size, err := k.read(ws)
		if err != nil {
			if reason := refusedReason(err); reason != "" && k.c.opts.OnRefused != nil {
				k.c.opts.OnRefused(reason)
			}
			d := readDrop(ctx, err, silence)
			d.wasOpen, d.openFor = true, time.Since(openedAt)
			return d
		}
		if k.c.opts.OnFrame(frame, size) && silence > 0 {
			_ = ws.SetReadDeadline(time.Now().Add(silence))
		}
	}
}

func (k *conn) ping(ws *websocket.Conn, done <-chan struct{}) {
	ticker := time.NewTicker(k.c.opts.PingInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			_ = ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second))
		case <-done:
			return
		}
	}
}

// errTooLarge and errBadUTF8 are a message refused by the client, failing the connection.
var (
	errTooLarge = errors.New("a message over MAX_FRAME_BYTES (close 1009)")
	errBadUTF8  = errors.New("a text frame that is not UTF-8 (close 1007)")
)

func refusedReason(err error) string {
	switch {
	case errors.Is(err, websocket.ErrReadLimit), errors.Is(err, errTooLarge):
		return ReasonTooLarge
	case errors.Is(err, errBadUTF8):
		return ReasonBadUTF8
	}
	return ""
}

// read returns the next message in a buffer reused across messages. The read limit refuses a
// message whose frame headers announce more than MaxFrameBytes; one that inflates past it is
// refused here after at most MaxFrameBytes+1 bytes, and a text message must be UTF-8 (RFC 6455
// §8.1; gorilla does not check). A refused message fails the connection with its close code.
func (k *conn) read(ws *websocket.Conn) ([]byte, int, error) {
	kind, r, err := ws.NextReader()
	if err != nil {
		return nil, 0, err
	}
	limit := int64(k.c.opts.MaxFrameBytes)
	k.buf.Reset()
	n, err := k.buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, 0, err
	}
	if n > limit {
		return nil, 0, failWith(ws, websocket.CloseMessageTooBig, errTooLarge)
	}
	if kind == websocket.TextMessage && !utf8.Valid(k.buf.Bytes()) {
		return nil, 0, failWith(ws, websocket.CloseInvalidFramePayloadData, errBadUTF8)
	}
	return k.buf.Bytes(), int(n), nil
}

func failWith(ws *websocket.Conn, code int, err error) error {
	_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	return err
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
