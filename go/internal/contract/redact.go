package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The one redaction rule (`secrets` in contract-rules.json, from src/contract/rules.ts), as the
// TypeScript (src/contract/redact.ts) and Python (python/contender/redact.py) contenders apply it:
// no secret property's value and no URL's user info in any line printed or file written.

// Redacted replaces a secret wherever it would be shown.
func Redacted() string { return rules.Secrets.Replacement }

// IsSecretProperty: one of librdkafka's sensitive properties, or a name holding a secret word.
func IsSecretProperty(name string) bool {
	lower := strings.ToLower(strings.TrimSpace(name))
	if slices.Contains(rules.Secrets.Properties, lower) {
		return true
	}
	for _, word := range rules.Secrets.Words {
		if strings.Contains(lower, word) {
			return true
		}
	}
	return false
}

// IsConsumerOnlyProperty: a property a producer accepts and ignores.
func IsConsumerOnlyProperty(name string) bool {
	return slices.Contains(rules.ConsumerOnlyProperties, name)
}

// RedactSettings copies settings with every secret value replaced (keys kept).
func RedactSettings(settings map[string]string) map[string]string {
	out := make(map[string]string, len(settings))
	for k, v := range settings {
		if IsSecretProperty(k) {
			v = Redacted()
		}
		out[k] = v
	}
	return out
}

// RedactPropertiesText shows a `k=v,k=v` text with secret values replaced; an item without `=`
// right after a secret (the rest of a value holding a comma) or naming one is replaced too.
func RedactPropertiesText(text string) string {
	items := strings.Split(text, ",")
	afterSecret := false
	for i, item := range items {
		key, _, ok := strings.Cut(item, "=")
		if !ok {
			if afterSecret || IsSecretProperty(item) {
				items[i] = Redacted()
			}
			continue
		}
		afterSecret = IsSecretProperty(key)
		if afterSecret {
			items[i] = key + "=" + Redacted()
		}
	}
	return strings.Join(items, ",")
}

// NotKeyValueReason says why item index (from 0) of a `k=v,k=v` text is not key=value, naming
// the item, or only its position when it is hidden.
func NotKeyValueReason(text string, index int) string {
	shown := strings.TrimSpace(strings.Split(RedactPropertiesText(text), ",")[index])
	if shown == Redacted() {
		return fmt.Sprintf("item %d is not key=value (not shown: it may hold part of a secret)", index+1)
	}
	return Quote(shown) + " is not key=value"
}

var schemeRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// userInfo splits a URL into what comes before its user info, the user info, and the rest from
// the last `@` of the authority on; at < 0 when there is none.
func userInfo(raw string) (scheme, info, rest string, ok bool) {
	scheme = schemeRe.FindString(raw)
	after := raw[len(scheme):]
	authority := after
	if end := strings.IndexAny(after, "/?#"); end >= 0 {
		authority = after[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return scheme, "", after, false
	}
	return scheme, authority[:at], after[at:], true
}

// RedactURL shows a URL with its user info replaced.
func RedactURL(raw string) string {
	scheme, _, rest, ok := userInfo(raw)
	if !ok {
		return raw
	}
	return scheme + Redacted() + rest
}

// Scrubber replaces a run's secrets in text this program did not compose (a library's error).
type Scrubber struct{ secrets []string }

// NewScrubber collects the values of secret properties and the user info of the URLs.
func NewScrubber(settings map[string]string, urls ...string) *Scrubber {
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" {
			seen[s] = true
		}
	}
	for k, v := range settings {
		if IsSecretProperty(k) {
			add(v)
		}
	}
	for _, u := range urls {
		if _, info, _, ok := userInfo(u); ok {
			for _, part := range append([]string{info}, strings.Split(info, ":")...) {
				add(part)
				if decoded, err := url.PathUnescape(part); err == nil {
					add(decoded)
				}
			}
		}
	}
	s := &Scrubber{}
	for secret := range seen {
		s.secrets = append(s.secrets, secret)
	}
	// longest first, so a secret containing another is replaced whole
	sort.Slice(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
	return s
}

// Scrub replaces every secret in text.
func (s *Scrubber) Scrub(text string) string {
	if s == nil {
		return text
	}
	for _, secret := range s.secrets {
		text = strings.ReplaceAll(text, secret, Redacted())
	}
	return text
}

// Quote is a value as the error lines quote it: JSON, without HTML escapes, as JSON.stringify.
func Quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
