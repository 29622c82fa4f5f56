package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// Check does what the table's `file` and `dir` types ask of the disk: a file must be readable,
// a directory is created if missing and must take a new file. It runs before any connection.
func Check(c Config) error {
	if err := checkReadable(c.ProducerSettings); err != nil {
		return badValue("PRODUCER_SETTINGS", c.ProducerSettings, err.Error())
	}
	if err := checkWritableDir(c.ReportDir); err != nil {
		return badValue("REPORT_DIR", c.ReportDir, err.Error())
	}
	return nil
}

func checkReadable(path string) error {
	// stat before open: opening a FIFO blocks until a writer comes, and a device never ends
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot be read (%v)", err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("must be a file")
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot be read (%v)", err)
	}
	return f.Close()
}

func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot be created (%v)", err)
	}
	probe, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("is not writable (%v)", err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// DefaultSettingsPath finds config/producer-settings.json of the repository: from the working
// directory (the bench runs contenders from the repository root) up through its parents (go/,
// go/internal/...), then from the executable's directory up (.cache/bin/go-producer).
func DefaultSettingsPath() string {
	rel := filepath.Join("config", "producer-settings.json")
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, dir := range starts {
		for range 6 {
			candidate := filepath.Join(dir, rel)
			if _, err := os.Stat(candidate); err == nil {
				return candidate
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return rel
}
