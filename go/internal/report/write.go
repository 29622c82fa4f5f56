package report

import (
	"crypto/rand"
	"encoding/hex"
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
	if err := WriteFileAtomic(path, append(data, '\n')); err != nil {
		return "", err
	}
	return path, nil
}

// WriteFileAtomic writes data to path, never through a link planted there: the bytes go to a new
// file in the same directory, created exclusively (O_CREATE|O_EXCL, which refuses to follow a
// link), then renamed over path. rename(2) replaces a link itself, never its target, and a reader
// never sees half a file. src/atomic-write.ts and python/contender/report/write.py do the same.
func WriteFileAtomic(path string, data []byte) error {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	temporary := filepath.Join(filepath.Dir(path),
		fmt.Sprintf(".%s.%d.%s.tmp", filepath.Base(path), os.Getpid(), hex.EncodeToString(suffix)))
	f, err := os.OpenFile(temporary, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(temporary, path)
	}
	if err != nil {
		os.Remove(temporary)
	}
	return err
}
