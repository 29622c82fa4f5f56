package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// Path is where a contender writes its report.
func Path(dir, contender string) string {
	return filepath.Join(dir, contender+"_performance_report.json")
}

// Write checks the report against the contract's schema and writes
// {dir}/{contender}_performance_report.json; it returns the path.
func Write(dir string, r Report) (string, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	if err := contract.ValidateReport(data); err != nil {
		return "", fmt.Errorf("the report does not match report.schema.json: %w", err)
	}
	path := Path(dir, r.Contender)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return "", err
	}
	return path, nil
}
