package upbit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

var marketRe = regexp.MustCompile(`^[A-Z0-9]+-[A-Z0-9]+$`)

const marketRetries = 3

// marketsClient never follows a redirect: a REST base that moved is a setting to fix, and a
// redirect loop must not spend the start-up deadline (docs/contenders.md, Behaviour step 2).
var marketsClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// MarketsError is a market list that could not be had or used (exit 4); the message names the
// URL without its user info.
type MarketsError struct{ Message string }

func (e *MarketsError) Error() string { return e.Message }

func marketsError(format string, args ...any) error {
	return &MarketsError{fmt.Sprintf(format, args...)}
}

// answer is one response, its body read within the cap.
type answer struct {
	status     int
	retryAfter string
	body       []byte
}

// FetchMarkets gets every market (the first limit when limit > 0) within timeout: 429 and 503
// are retried up to 3 times inside that same deadline, after Retry-After seconds (else 1, 2,
// 3 s); every other status but 200 is refused. Every error names the URL without user info.
func FetchMarkets(ctx context.Context, restURL string, timeout time.Duration, limit int) ([]string, error) {
	target, shown, user, err := splitUserInfo(restURL + "/v1/market/all?isDetails=false")
	if err != nil {
		return nil, marketsError("GET %s: %v", shown, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	timeoutMs := timeout.Milliseconds()
	for attempt := 0; ; attempt++ {
		a, err := get(ctx, target, shown, user)
		if err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, marketsError("GET %s: no complete answer within %d ms (STARTUP_TIMEOUT_MS)", shown, timeoutMs)
			}
			var refused *MarketsError
			if errors.As(err, &refused) {
				return nil, err
			}
			return nil, marketsError("GET %s: the connection failed before a complete answer (%v)", shown, unwrapURLError(err))
		}
		if a.status == http.StatusTooManyRequests || a.status == http.StatusServiceUnavailable {
			if attempt == marketRetries {
				return nil, marketsError("GET %s answered HTTP %d again after %d retries", shown, a.status, marketRetries)
			}
			wait := retryWaitS(a.retryAfter, attempt)
			if time.Now().Add(time.Duration(wait) * time.Second).After(deadline) {
				return nil, marketsError("GET %s answered HTTP %d; waiting %d s to retry would pass the STARTUP_TIMEOUT_MS deadline (%d ms)", shown, a.status, wait, timeoutMs)
			}
			select {
			case <-time.After(time.Duration(wait) * time.Second):
				continue
			case <-ctx.Done():
				return nil, marketsError("GET %s: no complete answer within %d ms (STARTUP_TIMEOUT_MS)", shown, timeoutMs)
			}
		}
		if a.status >= 300 && a.status < 400 {
			return nil, marketsError("GET %s answered HTTP %d, a redirect: redirects are not followed (set UPBIT_REST_URL to the address it points to)", shown, a.status)
		}
		if a.status != http.StatusOK {
			return nil, marketsError("GET %s answered HTTP %d, not 200 with the market list", shown, a.status)
		}
		return parseMarkets(shown, a.body, limit)
	}
}

// retryWaitS is Retry-After when it is whole seconds, else 1, 2, 3 s by attempt.
func retryWaitS(retryAfter string, attempt int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && n >= 0 && strings.Trim(retryAfter, " 0123456789") == "" {
		return n
	}
	return attempt + 1
}

// splitUserInfo: the URL to request without user info (sent as basic auth instead), the same
// URL to show, and the user info.
func splitUserInfo(raw string) (string, string, *url.Userinfo, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return raw, raw, nil, err
	}
	user := u.User
	u.User = nil
	return u.String(), u.String(), user, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// get sends the request and reads at most the contract's maxBytes of body (one more byte tells
// it was larger); a body announced larger, or encoded, is refused before it is read.
func get(ctx context.Context, target, shown string, user *url.Userinfo) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("accept", "application/json")
	// asked for explicitly, so the transport does not add gzip and inflate a bomb on our behalf
	req.Header.Set("accept-encoding", "identity")
	if user != nil {
		password, _ := user.Password()
		req.SetBasicAuth(user.Username(), password)
	}
	resp, err := marketsClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("retry-after")}
	if a.status != http.StatusOK {
		return a, nil
	}
	if enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("content-encoding"))); enc != "" && enc != "identity" {
		return a, marketsError("GET %s answered with content-encoding %s, not the identity encoding asked for", shown, quote(enc))
	}
	if ct := resp.Header.Get("content-type"); ct != "" {
		media, _, _ := mime.ParseMediaType(ct)
		if media != "application/json" && !strings.HasSuffix(media, "+json") {
			return a, marketsError("GET %s answered with content-type %s, not JSON", shown, quote(ct))
		}
	}
	maxBytes := contract.Rules().MarketList.MaxBytes
	if resp.ContentLength > maxBytes {
		return a, marketsError("GET %s: the body is larger than %d bytes", shown, maxBytes)
	}
	a.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return a, err
	}
	if int64(len(a.body)) > maxBytes {
		return a, marketsError("GET %s: the body is larger than %d bytes", shown, maxBytes)
	}
	return a, nil
}

// quote is JSON's quoting (as the TypeScript and Python contenders print), not Go's %q.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// snippet is the first 120 characters of a body, JSON-quoted.
func snippet(body []byte) string {
	s := strings.TrimSpace(string(body))
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:120])
	}
	return quote(s)
}

// jsonKind names a JSON value's type as the other contenders do.
func jsonKind(v json.RawMessage) string {
	switch v[0] {
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

func parseMarkets(url string, body []byte, limit int) ([]string, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, marketsError("GET %s: the body is empty, not a JSON array of markets", url)
	}
	var root json.RawMessage
	if err := json.Unmarshal(body, &root); err != nil {
		return nil, marketsError("GET %s: the body is not JSON: %s", url, snippet(body))
	}
	if root[0] != '[' {
		return nil, marketsError("GET %s: the body is %s, not a JSON array of markets", url, jsonKind(root))
	}
	var list []json.RawMessage
	if err := json.Unmarshal(root, &list); err != nil {
		return nil, marketsError("GET %s: the body is not JSON: %s", url, snippet(body))
	}
	if len(list) == 0 {
		return nil, marketsError("GET %s: the market list is empty", url)
	}
	if maxMarkets := contract.Rules().MarketList.MaxMarkets; len(list) > maxMarkets {
		return nil, marketsError("GET %s: %d markets, more than the %d a run takes", url, len(list), maxMarkets)
	}
	codes := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for i, item := range list {
		// only `market` is read (the names are not the producer's), matched exactly as the
		// other contenders do: encoding/json's struct fields would also take "Market"
		var entry map[string]json.RawMessage
		var code string
		if item[0] == '{' && json.Unmarshal(item, &entry) == nil {
			if raw, ok := entry["market"]; ok && raw[0] == '"' {
				_ = json.Unmarshal(raw, &code)
			}
		}
		if !marketRe.MatchString(code) {
			var compact bytes.Buffer
			if json.Compact(&compact, item) != nil {
				compact.Write(item)
			}
			shown := compact.String()
			if utf8.RuneCountInString(shown) > 120 {
				shown = string([]rune(shown)[:120])
			}
			return nil, marketsError("GET %s: entry %d has no \"market\" code like QUOTE-BASE: %s", url, i, shown)
		}
		if !seen[code] {
			seen[code] = true
			codes = append(codes, code)
		}
	}
	if limit > 0 && limit < len(codes) {
		codes = codes[:limit]
	}
	return codes, nil
}

// CountByQuote counts codes by their quote currency (the part before '-').
func CountByQuote(codes []string) map[string]int {
	out := map[string]int{}
	for _, code := range codes {
		quote, _, _ := strings.Cut(code, "-")
		out[quote]++
	}
	return out
}
