package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The shared vectors (schemas/histogram-vectors.json, generated from the TypeScript read-out by
// set-up): the same samples must read out the same on every contender.
func TestSharedHistogramVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "contract", "histogram-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vectors struct {
		Cases []struct {
			Name    string         `json:"name"`
			Values  []float64      `json:"values"`
			Summary LatencySummary `json:"summary"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors.Cases) < 5 {
		t.Fatalf("only %d vectors", len(vectors.Cases))
	}
	for _, c := range vectors.Cases {
		if got := SummarizeValues(c.Values); got != c.Summary {
			t.Errorf("%s:\n got %+v\nwant %+v", c.Name, got, c.Summary)
		}
	}
}
