package testfeed

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
)

type subscription struct {
	ticket, channel string
	codes           []string
}

func readSubscription(ws *websocket.Conn) (subscription, bool) {
	_, msg, err := ws.ReadMessage()
	if err != nil {
		return subscription{}, false
	}
	var req []map[string]any
	if json.Unmarshal(msg, &req) != nil || len(req) != 3 {
		_ = ws.WriteMessage(websocket.BinaryMessage, []byte(`{"error":{"name":"WRONG_FORMAT","message":"bad"}}`))
		return subscription{}, false
	}
	s := subscription{}
	s.ticket, _ = req[0]["ticket"].(string)
	s.channel, _ = req[1]["type"].(string)
	codes, _ := req[1]["codes"].([]any)
	for _, c := range codes {
		code, _ := c.(string)
		s.codes = append(s.codes, code)
	}
	return s, len(s.codes) > 0
}

func (f *Feed) serve(ws *websocket.Conn) {
	sub, ok := readSubscription(ws)
	if !ok {
		return
	}
	f.Subscribes.Add(1)
	f.mu.Lock()
	f.subscribedAt = append(f.subscribedAt, time.Now())
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { // read pings and closes until the client goes; pings are answered meanwhile
		defer close(done)
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	_ = ws.WriteMessage(websocket.BinaryMessage, []byte(`{"status":"UP"}`))
	if f.ErrorFrame != "" {
		_ = ws.WriteMessage(websocket.BinaryMessage, []byte(`{"error":{"name":"`+f.ErrorFrame+`","message":"test"}}`))
	}
	subscribedAt := time.Now()
	silent := f.SilentAfter > 0 && f.first("silent "+sub.ticket)
	tick := time.NewTicker(f.Every)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		since := time.Since(subscribedAt)
		switch {
		case f.FlapAfter > 0 && since > f.FlapAfter:
			return
		case f.DropAfter > 0 && since > f.DropAfter && f.first("drop "+sub.ticket):
			return // abrupt close: the client reconnects
		case silent && since > f.SilentAfter:
			// the socket stays open and answers as Upbit does to a PING, but no data comes
			if ws.WriteMessage(websocket.BinaryMessage, []byte(`{"status":"UP"}`)) != nil {
				return
			}
			continue
		case f.HugeFrameBytes > 0 && since > f.HugeAfter && f.first("huge"):
			if f.writeHuge(ws) != nil {
				return
			}
			continue
		}
		if ws.WriteMessage(websocket.BinaryMessage, f.frame(sub, i)) != nil {
			return
		}
	}
}

func (f *Feed) frame(sub subscription, i int) []byte {
	n := f.Sent.Add(1)
	code := sub.codes[i%len(sub.codes)]
	if f.MalformedEvery > 0 && n%f.MalformedEvery == 0 {
		f.Malformed.Add(1)
		return []byte(fmt.Sprintf(`{"type":"%s","code":"%s","trade_price":`, sub.channel, code)) // truncated
	}
	payload := fmt.Sprintf(`"opening_price":100,"trade_price":%d`, 100+n)
	if sub.channel == "orderbook" {
		payload = fmt.Sprintf(`"total_ask_size":1,"orderbook_units":[{"ask_price":%d,"bid_price":99}]`, 100+n)
	}
	frame := []byte(fmt.Sprintf(`{"type":"%s","code":"%s",%s,"timestamp":%d,"stream_type":"REALTIME","n":%d}`,
		sub.channel, code, payload, time.Now().UnixMilli(), n))
	f.remember(frame)
	return frame
}

// writeHuge streams one valid-looking frame of HugeFrameBytes in chunks, so the feed itself
// never holds it.
func (f *Feed) writeHuge(ws *websocket.Conn) error {
	f.Sent.Add(1)
	f.HugeSent.Add(1)
	w, err := ws.NextWriter(websocket.BinaryMessage)
	if err != nil {
		return err
	}
	head := []byte(`{"type":"ticker","code":"KRW-BTC","trade_price":1,"pad":"`)
	chunk := make([]byte, 64*1024)
	for i := range chunk {
		chunk[i] = 'x'
	}
	left := f.HugeFrameBytes - len(head) - 2
	if _, err := w.Write(head); err != nil {
		return err
	}
	for left > 0 {
		n := min(left, len(chunk))
		if _, err := w.Write(chunk[:n]); err != nil {
			return err
		}
		left -= n
	}
	if _, err := w.Write([]byte(`"}`)); err != nil {
		return err
	}
	return w.Close()
}
