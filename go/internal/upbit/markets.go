package upbit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Market is one entry of GET /v1/market/all.
type Market struct {
	Market      string  `json:"market"`
	KoreanName  *string `json:"korean_name"`
	EnglishName *string `json:"english_name"`
}

var marketRe = regexp.MustCompile(`^[A-Z0-9]+-[A-Z0-9]+$`)

const marketRetries = 3

// FetchMarkets gets every market (the first limit when limit > 0); a 429 is waited out and
// retried up to 3 times. Each request has timeout.
func FetchMarkets(ctx context.Context, restURL string, timeout time.Duration, limit int) ([]string, error) {
	url := restURL + "/v1/market/all?isDetails=false"
	client := &http.Client{Timeout: timeout}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, fmt.Errorf("GET %s failed: %w", url, err)
		}
		req.Header.Set("accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("GET %s failed: %w", url, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests && attempt < marketRetries {
			select {
			case <-time.After(time.Duration(attempt+1) * time.Second):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, fmt.Errorf("GET %s answered %s", url, resp.Status)
		}
		if err != nil {
			return nil, fmt.Errorf("GET %s failed: %w", url, err)
		}
		return parseMarkets(url, body, limit)
	}
}

func parseMarkets(url string, body []byte, limit int) ([]string, error) {
	var list []Market
	if err := json.Unmarshal(body, &list); err != nil {
		text := string(body)
		if len(text) > 120 {
			text = text[:120]
		}
		if strings.HasPrefix(strings.TrimSpace(string(body)), "[") || strings.HasPrefix(strings.TrimSpace(string(body)), "{") {
			return nil, fmt.Errorf("GET %s: unexpected shape: %v", url, err)
		}
		return nil, fmt.Errorf("GET %s returned invalid JSON: %q", url, text)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("GET %s: unexpected shape at (root): the market list is empty", url)
	}
	codes := make([]string, 0, len(list))
	for i, m := range list {
		if !marketRe.MatchString(m.Market) {
			return nil, fmt.Errorf("GET %s: unexpected shape at %d.market: must look like QUOTE-BASE", url, i)
		}
		if m.KoreanName == nil || m.EnglishName == nil {
			return nil, fmt.Errorf("GET %s: unexpected shape at %d: korean_name and english_name must be strings", url, i)
		}
		codes = append(codes, m.Market)
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
