package upbit

import "bytes"

// Verdict reasons, as in src/upbit/frame-check.ts.
const (
	ReasonNotJSON     = "not-json"
	ReasonNoCode      = "no-code"
	ReasonUnknownCode = "unknown-code"
	ReasonBadPrice    = "bad-price"
	ReasonStatus      = "status"
	ReasonError       = "error"
)

// Verdict of the cheap check. OK frames carry their code and the frame's `timestamp` (ms, 0
// when absent). Reason is set when not OK; "status" and "error" are not tickers at all.
type Verdict struct {
	OK          bool
	Code        string
	TimestampMs int64
	Reason      string
}

var (
	codeTag      = []byte(`"code":"`)
	priceTag     = []byte(`"trade_price":`)
	timestampTag = []byte(`,"timestamp":`)
	statusTag    = []byte(`{"status"`)
	errorTag     = []byte(`{"error"`)
)

// CheckFrame is the hot path's explicit check of a ticker frame, without a JSON parse: a JSON
// object (`{` … `}`) naming a subscribed market in "code" whose "trade_price" is a number.
// markets maps each subscribed code to itself so the returned Code allocates nothing.
func CheckFrame(frame []byte, markets map[string]string) Verdict {
	n := len(frame)
	if n < 2 || frame[0] != '{' || frame[n-1] != '}' {
		return Verdict{Reason: ReasonNotJSON}
	}
	at := bytes.Index(frame, codeTag)
	if at < 0 {
		switch {
		case bytes.HasPrefix(frame, statusTag):
			return Verdict{Reason: ReasonStatus}
		case bytes.HasPrefix(frame, errorTag):
			return Verdict{Reason: ReasonError}
		}
		return Verdict{Reason: ReasonNoCode}
	}
	from := at + len(codeTag)
	length := bytes.IndexByte(frame[from:], '"')
	if length < 0 || length > 32 {
		return Verdict{Reason: ReasonNoCode}
	}
	code, ok := markets[string(frame[from:from+length])]
	if !ok {
		return Verdict{Reason: ReasonUnknownCode}
	}
	price := bytes.Index(frame, priceTag)
	if price < 0 || price+len(priceTag) >= n {
		return Verdict{Reason: ReasonBadPrice}
	}
	if first := frame[price+len(priceTag)]; !(first >= '0' && first <= '9' || first == '-') {
		return Verdict{Reason: ReasonBadPrice}
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
