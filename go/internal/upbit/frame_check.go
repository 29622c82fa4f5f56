package upbit

import (
	"bytes"
	"encoding/json"
)

// Why a data frame is not produced: the report's InvalidReason values.
const (
	ReasonNotJSON     = "not-json"
	ReasonNoCode      = "no-code"
	ReasonUnknownCode = "unknown-code"
	ReasonBadPayload  = "bad-payload"
	ReasonTooLarge    = "too-large"
	ReasonBadUTF8     = "bad-utf8"
)

// Kind tells data frames from Upbit's own answers, which are counted but are not data.
type Kind uint8

const (
	KindData   Kind = iota
	KindStatus      // {"status":"UP"}, the answer to a text PING
	KindError       // {"error":{"name":...}}
)

var (
	statusTag    = []byte(`{"status":`)
	errorTag     = []byte(`{"error":`)
	codeTag      = []byte(`"code":"`)
	timestampTag = []byte(`,"timestamp":`)
	tradePrice   = []byte(`"trade_price":`)
	orderbook    = []byte(`"orderbook_units":[`)
)

// Classify looks at a frame's first bytes only.
func Classify(frame []byte) Kind {
	switch {
	case bytes.HasPrefix(frame, statusTag):
		return KindStatus
	case bytes.HasPrefix(frame, errorTag):
		return KindError
	}
	return KindData
}

// ErrorName is error.name of an error frame ("unknown" when it has none); error frames are
// rare, so a real JSON parse is affordable here.
func ErrorName(frame []byte) string {
	var e struct {
		Error struct {
			Name string `json:"name"`
		} `json:"error"`
	}
	if json.Unmarshal(frame, &e) != nil || e.Error.Name == "" {
		return "unknown"
	}
	return e.Error.Name
}

// Verdict of the cheap check. OK frames carry their code and the frame's `timestamp` (ms, 0
// when absent); Reason is set when not OK.
type Verdict struct {
	OK          bool
	Code        string
	TimestampMs int64
	Reason      string
}

// Checker is the hot path's check of a data frame, without a JSON parse: a `{…}` object naming
// a subscribed market in "code" and carrying the payload field of the channel.
type Checker struct {
	markets map[string]string // each code to itself, so Verdict.Code allocates nothing
	payload []byte
	number  bool // the payload tag must be followed by a number
}

// NewChecker checks frames of channel (ticker, trade or orderbook) for the subscribed codes.
func NewChecker(codes []string, channel string) *Checker {
	c := &Checker{markets: make(map[string]string, len(codes)), payload: tradePrice, number: true}
	if channel == "orderbook" {
		c.payload, c.number = orderbook, false
	}
	for _, code := range codes {
		c.markets[code] = code
	}
	return c
}

// Check judges one data frame.
func (c *Checker) Check(frame []byte) Verdict {
	n := len(frame)
	if n < 2 || frame[0] != '{' || frame[n-1] != '}' {
		return Verdict{Reason: ReasonNotJSON}
	}
	at := bytes.Index(frame, codeTag)
	if at < 0 {
		return Verdict{Reason: ReasonNoCode}
	}
	from := at + len(codeTag)
	length := bytes.IndexByte(frame[from:], '"')
	if length < 0 || length > 32 {
		return Verdict{Reason: ReasonNoCode}
	}
	code, ok := c.markets[string(frame[from:from+length])]
	if !ok {
		return Verdict{Reason: ReasonUnknownCode}
	}
	p := bytes.Index(frame, c.payload)
	if p < 0 {
		return Verdict{Reason: ReasonBadPayload}
	}
	if next := p + len(c.payload); c.number && (next >= n || !(frame[next] >= '0' && frame[next] <= '9' || frame[next] == '-')) {
		return Verdict{Reason: ReasonBadPayload}
	}
	var ts int64
	if t := bytes.Index(frame, timestampTag); t >= 0 {
		for _, d := range frame[t+len(timestampTag):] {
			if d < '0' || d > '9' {
				break
			}
			ts = ts*10 + int64(d-'0')
		}
	}
	return Verdict{OK: true, Code: code, TimestampMs: ts}
}
