package upbit

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func codes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("KRW-C%d", i)
	}
	return out
}

func TestPlan250MarketsNeed17Connections(t *testing.T) {
	plan := PlanConnections(codes(250), 15, 2, 2000)
	if len(plan) != 17 {
		t.Fatalf("connections = %d, want 17", len(plan))
	}
	if n := len(plan[16].Codes); n != 10 {
		t.Fatalf("last connection has %d codes, want 10", n)
	}
	var all []string
	for i, p := range plan {
		if p.Index != i {
			t.Fatalf("index %d at %d", p.Index, i)
		}
		all = append(all, p.Codes...)
	}
	if !slices.Equal(all, codes(250)) {
		t.Fatal("codes are not split in order")
	}
}

func TestPlan536MarketsPacedTwoEveryTwoSeconds(t *testing.T) {
	plan := PlanConnections(codes(536), 15, 2, 2000)
	if len(plan) != 36 {
		t.Fatalf("connections = %d, want 36", len(plan))
	}
	var at []int
	for _, p := range plan[:5] {
		at = append(at, p.OpenAtMs)
	}
	if !reflect.DeepEqual(at, []int{0, 0, 2000, 2000, 4000}) {
		t.Fatalf("openAt = %v", at)
	}
	if plan[35].OpenAtMs != 34_000 {
		t.Fatalf("last openAt = %d", plan[35].OpenAtMs)
	}
	if len(PlanConnections(nil, 15, 2, 2000)) != 0 {
		t.Fatal("empty list planned connections")
	}
}

func TestBackoffSchedule(t *testing.T) {
	mid := func() float64 { return 0.5 }
	var got []int
	for a := 1; a <= 6; a++ {
		got = append(got, BackoffDelay(a, 1000, false, mid))
	}
	if !reflect.DeepEqual(got, []int{1000, 2000, 4000, 8000, 16000, BackoffCapMs}) {
		t.Fatalf("schedule = %v", got)
	}
	if d := BackoffDelay(2, 1000, false, func() float64 { return 0 }); d != 1600 {
		t.Fatalf("-20%% jitter = %d", d)
	}
	if d := BackoffDelay(2, 1000, false, func() float64 { return 1 }); d != 2400 {
		t.Fatalf("+20%% jitter = %d", d)
	}
	if d := BackoffDelay(1, 1000, true, mid); d != 4000 {
		t.Fatalf("429 backoff = %d", d)
	}
}

func ticker(code, price string) []byte {
	return []byte(`{"type":"ticker","code":"` + code + `","opening_price":31883000,"trade_price":` + price + `,"trade_timestamp":1676965262139,"timestamp":1676965262177,"stream_type":"REALTIME"}`)
}

func TestCheckFrame(t *testing.T) {
	c := NewChecker([]string{"KRW-BTC", "BTC-ETH"}, "ticker")
	v := c.Check(ticker("KRW-BTC", "32287000"))
	if !v.OK || v.Code != "KRW-BTC" || v.TimestampMs != 1676965262177 {
		t.Fatalf("valid ticker: %+v", v)
	}
	cases := []struct {
		reason string
		frame  []byte
	}{
		{ReasonNotJSON, []byte("hello")},
		{ReasonNotJSON, ticker("KRW-BTC", "1")[:60]},
		{ReasonNotJSON, nil},
		{ReasonUnknownCode, ticker("KRW-NOPE", "1")},
		{ReasonBadPayload, ticker("KRW-BTC", `"abc"`)},
		{ReasonBadPayload, []byte(`{"type":"ticker","code":"KRW-BTC"}`)},
		{ReasonBadPayload, []byte(`{"code":"KRW-BTC","orderbook_units":[]}`)},
		{ReasonNoCode, []byte(`{"type":"ticker"}`)},
	}
	for _, tc := range cases {
		if v := c.Check(tc.frame); v.OK || v.Reason != tc.reason {
			t.Errorf("%q: got %+v, want %s", tc.frame, v, tc.reason)
		}
	}
}

// Each channel has its own payload field: trade_price (a number) for ticker and trade, the
// orderbook_units array for orderbook.
func TestCheckFramePayloadByChannel(t *testing.T) {
	trade := []byte(`{"type":"trade","code":"KRW-BTC","trade_price":-1.5,"timestamp":1}`)
	book := []byte(`{"type":"orderbook","code":"KRW-BTC","orderbook_units":[{"ask_price":1}],"timestamp":1}`)
	for _, tc := range []struct {
		channel string
		frame   []byte
		ok      bool
	}{{"trade", trade, true}, {"ticker", trade, true}, {"orderbook", trade, false}, {"orderbook", book, true}, {"trade", book, false}} {
		v := NewChecker([]string{"KRW-BTC"}, tc.channel).Check(tc.frame)
		if v.OK != tc.ok || !tc.ok && v.Reason != ReasonBadPayload {
			t.Errorf("%s %s: %+v", tc.channel, tc.frame, v)
		}
	}
}

func TestClassifyStatusAndErrorFrames(t *testing.T) {
	if Classify([]byte(`{"status":"UP"}`)) != KindStatus || Classify(ticker("KRW-BTC", "1")) != KindData {
		t.Fatal("status")
	}
	e := []byte(`{"error":{"name":"NO_TICKET","message":"x"}}`)
	if Classify(e) != KindError || ErrorName(e) != "NO_TICKET" || ErrorName([]byte(`{"error":1}`)) != "unknown" {
		t.Fatal("error")
	}
}

func TestFirstBatchAtIsOnThePhase(t *testing.T) {
	for _, tc := range []struct {
		now             int64
		interval, phase int
		want            int64
	}{
		{1_000_123, 2000, -1, 1_000_123},
		{1_000_123, 0, 500, 1_000_123},
		{1_000_123, 2000, 500, 1_000_500},
		{1_000_500, 2000, 500, 1_000_500},
		{1_000_501, 2000, 500, 1_002_500},
		{1_001_999, 2000, 0, 1_002_000},
		{1_000_123, 2000, 2500, 1_000_500}, // a phase past the interval wraps
	} {
		if got := FirstBatchAt(tc.now, tc.interval, tc.phase); got != tc.want {
			t.Errorf("FirstBatchAt(%d, %d, %d) = %d, want %d", tc.now, tc.interval, tc.phase, got, tc.want)
		}
	}
}

func TestParseMarkets(t *testing.T) {
	got, err := parseMarkets("u", []byte(`[{"market":"KRW-BTC","korean_name":"a","english_name":"b"},{"market":"BTC-ETH","korean_name":"a","english_name":"b"}]`), 1)
	if err != nil || !slices.Equal(got, []string{"KRW-BTC"}) {
		t.Fatalf("got %v %v", got, err)
	}
	for _, body := range []string{`[]`, `nope`, `[{"market":"btc"}]`, `{"market":"KRW-BTC"}`, `[{"Market":"KRW-BTC"}]`, `[{"market":7}]`} {
		if _, err := parseMarkets("u", []byte(body), 0); err == nil {
			t.Errorf("%s: no error", body)
		}
	}
	dup := `[{"market":"KRW-BTC","korean_name":"a","english_name":"b"},{"market":"KRW-BTC","korean_name":"a","english_name":"b"},{"market":"BTC-ETH","korean_name":"a","english_name":"b"}]`
	if got, err := parseMarkets("u", []byte(dup), 0); err != nil || !slices.Equal(got, []string{"KRW-BTC", "BTC-ETH"}) {
		t.Fatalf("duplicates kept: %v %v", got, err)
	}
	if q := CountByQuote([]string{"KRW-BTC", "KRW-ETH", "BTC-ETH"}); !reflect.DeepEqual(q, map[string]int{"KRW": 2, "BTC": 1}) {
		t.Fatalf("byQuote %v", q)
	}
}
