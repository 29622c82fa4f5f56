package upbit

import (
	"context"
	"errors"
	"net"
)

// handshakeCap bounds what a server may send before the upgrade completes: gorilla reads the
// response headers with net/http's reader, which has no size limit, so a peer sending endless
// headers would grow memory until HANDSHAKE_TIMEOUT_MS. 64 KiB of headers (the other clients
// stop at 8–16 KiB), plus gorilla's read buffer of frames that may come in the same reads.
const handshakeCap = 64<<10 + 4096

var errHandshakeTooLarge = errors.New("upgrade response over 64 KiB")

// capKey carries a *capHolder from open to dialCapped through the dial's context.
type capKey struct{}

// capHolder is one dial's capped connection, released once the upgrade is done.
type capHolder struct{ conn *cappedConn }

func (h *capHolder) release() {
	if h.conn != nil {
		h.conn.open = true
	}
}

// cappedConn is read only by its connection's goroutine (the dial, then serve), so its fields
// need no lock.
type cappedConn struct {
	net.Conn
	left int
	open bool
}

func (c *cappedConn) Read(p []byte) (int, error) {
	if c.open {
		return c.Conn.Read(p)
	}
	if c.left <= 0 {
		return 0, errHandshakeTooLarge
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.Conn.Read(p)
	c.left -= n
	return n, err
}

func dialCapped(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	h, _ := ctx.Value(capKey{}).(*capHolder)
	if h == nil {
		return conn, nil
	}
	h.conn = &cappedConn{Conn: conn, left: handshakeCap}
	return h.conn, nil
}
