package upbit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// dropKind is why a connection attempt failed or an open connection ended.
type dropKind int

const (
	dropShutdown         dropKind = iota // the run is ending: not a drop
	dropRefused                          // the handshake was answered 429
	dropHandshakeTimeout                 // not open within HANDSHAKE_TIMEOUT_MS
	dropHandshakeFailed                  // any other failed attempt
	dropSilence                          // the watchdog: no data frame for SILENCE_TIMEOUT_MS
	dropClosed                           // the server closed it (close frame or EOF)
	dropError                            // a read or write error
)

type drop struct {
	kind    dropKind
	why     string
	wasOpen bool          // it had been subscribed (a drop, not a failed attempt)
	openFor time.Duration // how long it had been open
}

func dialDrop(ctx context.Context, resp *http.Response, err error) drop {
	var netErr net.Error
	switch {
	case ctx.Err() != nil:
		return drop{kind: dropShutdown}
	case resp != nil && resp.StatusCode == http.StatusTooManyRequests:
		return drop{kind: dropRefused, why: "handshake answered " + resp.Status}
	case resp != nil:
		return drop{kind: dropHandshakeFailed, why: "handshake answered " + resp.Status}
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return drop{kind: dropHandshakeTimeout, why: "handshake timed out"}
	}
	return drop{kind: dropHandshakeFailed, why: err.Error()}
}

func readDrop(ctx context.Context, err error, silence time.Duration) drop {
	var netErr net.Error
	var closeErr *websocket.CloseError
	switch {
	case ctx.Err() != nil:
		return drop{kind: dropShutdown}
	case errors.As(err, &netErr) && netErr.Timeout():
		// the only read deadline is the watchdog's
		return drop{kind: dropSilence, why: fmt.Sprintf("silent for %v", silence)}
	case errors.As(err, &closeErr):
		return drop{kind: dropClosed, why: fmt.Sprintf("closed by the server (%d%s)", closeErr.Code, prefixed(closeErr.Text))}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return drop{kind: dropClosed, why: "closed by the server"}
	}
	return drop{kind: dropError, why: err.Error()}
}

// afterDrop is the one place that decides what a drop counts as (the retry budget says whether
// it was a flap and which attempt comes next), and whether and when to try again; false means
// given up or shutting down.
func (k *conn) afterDrop(ctx context.Context, d drop) bool {
	if d.kind == dropShutdown || ctx.Err() != nil {
		return false
	}
	opts := k.c.opts
	if d.wasOpen {
		k.droppedAt = time.Now()
		k.c.closed(k.droppedAt)
	}
	verdict := k.budget.Drop(d.wasOpen, d.openFor)
	k.c.update(func(s *ClientStats) {
		switch d.kind {
		case dropRefused:
			s.RateLimited++
		case dropHandshakeTimeout:
			s.HandshakeTimeouts++
		case dropSilence:
			s.SilenceReconnects++
		}
		if verdict.Flap {
			s.Flaps++
		}
	})
	why := d.why
	if verdict.Flap {
		why += fmt.Sprintf(" %v after opening (flap)", d.openFor.Round(time.Millisecond))
	}
	if verdict.Attempt == 0 {
		k.c.gaveUp(k.i)
		k.c.log("connection %d %s; gave up after %d retries", k.index, why, k.budget.Used())
		return false
	}
	k.c.update(func(s *ClientStats) { s.Reconnects++ })
	delay := BackoffDelay(verdict.Attempt, opts.BackoffBaseMs, d.kind == dropRefused, rand.Float64)
	k.c.log("connection %d %s; retry %d/%d in %d ms", k.index, why, verdict.Attempt, opts.MaxRetries, delay)
	return sleepCtx(ctx, time.Duration(delay)*time.Millisecond)
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}
