package upbit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// Market is one entry of GET /v1/market/all.
type Market struct {
	Market      string  `json:"market"`
	KoreanName  *string `json:"korean_name"`
	EnglishName *string `json:"english_name"`
}

var marketRe = regexp.MustCompile(`^[A-Z0-9]+-[A-Z0-9]+$`)

const marketRetries = 3

// FetchMarkets gets every market (the first limit when limit > 0) within timeout, 429s waited
// out and retried up to 3 times inside that same deadline. Every error names the URL.
func FetchMarkets(ctx context.Context, restURL string, timeout time.Duration, limit int) ([]string, error) {
	url := restURL + "/v1/market/all?isDetails=false"
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		body, status, err := get(ctx, url)
		if err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("GET %s: no complete answer within %v (STARTUP_TIMEOUT_MS)", url, timeout)
			}
			return nil, fmt.Errorf("GET %s failed: %w", url, err)
		}
		if status == http.StatusTooManyRequests && attempt < marketRetries {
			select {
			case <-time.After(time.Duration(attempt+1) * time.Second):
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("GET %s: still answering 429 after %v (STARTUP_TIMEOUT_MS)", url, timeout)
			}
		}
		if status < 200 || status > 299 {
			return nil, fmt.Errorf("GET %s answered %d %s", url, status, http.StatusText(status))
		}
		return parseMarkets(url, body, limit)
	}
}

// get reads at most the contract's maxBytes of body (one more byte tells it was larger).
func get(ctx context.Context, url string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	maxBytes := contract.Rules().MarketList.MaxBytes
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, 0, err
	}
	if int64(len(body)) > maxBytes {
		return nil, 0, fmt.Errorf("the body is larger than %d bytes", maxBytes)
	}
	return body, resp.StatusCode, nil
}

func parseMarkets(url string, body []byte, limit int) ([]string, error) {
	var list []Market
	if err := json.Unmarshal(body, &list); err != nil {
		trimmed := strings.TrimSpace(string(body))
		if strings.HasPrefix(trimmed, "[") || strings.HasPrefix(trimmed, "{") {
			return nil, fmt.Errorf("GET %s: unexpected shape: %v", url, err)
		}
		return nil, fmt.Errorf("GET %s returned invalid JSON: %q", url, trimmed[:min(len(trimmed), 120)])
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("GET %s: unexpected shape at (root): the market list is empty", url)
	}
	if maxMarkets := contract.Rules().MarketList.MaxMarkets; len(list) > maxMarkets {
		return nil, fmt.Errorf("GET %s: %d markets, more than the %d a run takes", url, len(list), maxMarkets)
	}
	codes := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for i, m := range list {
		if !marketRe.MatchString(m.Market) {
			return nil, fmt.Errorf("GET %s: unexpected shape at %d.market: must look like QUOTE-BASE", url, i)
		}
		if m.KoreanName == nil || m.EnglishName == nil {
			return nil, fmt.Errorf("GET %s: unexpected shape at %d: korean_name and english_name must be strings", url, i)
		}
		if !seen[m.Market] {
			seen[m.Market] = true
			codes = append(codes, m.Market)
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
