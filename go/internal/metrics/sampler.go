package metrics

import (
	"bytes"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// GaugeSummary is a sampled gauge over the window.
type GaugeSummary struct {
	Samples int     `json:"samples"`
	Avg     float64 `json:"avg"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
}

// Gauge accumulates samples.
type Gauge struct {
	samples  int
	sum      float64
	min, max float64
}

// Add records one sample.
func (g *Gauge) Add(v float64) {
	if g.samples == 0 || v < g.min {
		g.min = v
	}
	if v > g.max {
		g.max = v
	}
	g.samples++
	g.sum += v
}

// Summary reads the gauge out; no samples is all zeros.
func (g *Gauge) Summary() GaugeSummary {
	if g.samples == 0 {
		return GaugeSummary{}
	}
	return GaugeSummary{Samples: g.samples, Avg: math.Round(g.sum / float64(g.samples)), Min: g.min, Max: g.max}
}

// MemoryReading is one sample: RSS from /proc/self/statm, heap from runtime.MemStats.HeapAlloc.
type MemoryReading struct {
	RssBytes  int64
	HeapBytes int64
}

var pageSize = int64(os.Getpagesize())

// ReadRSS is the resident set size in bytes (second field of /proc/self/statm, in pages).
func ReadRSS() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := bytes.Fields(data)
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(string(fields[1]), 10, 64)
	return pages * pageSize
}

// ReadMemory samples RSS and the Go heap in use.
func ReadMemory() MemoryReading {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return MemoryReading{RssBytes: ReadRSS(), HeapBytes: int64(ms.HeapAlloc)}
}

// MemorySampler samples memory every period from Start until Stop.
type MemorySampler struct {
	mu   sync.Mutex
	RSS  Gauge
	Heap Gauge
	last MemoryReading
	stop chan struct{}
	done chan struct{}
}

// NewMemorySampler takes a first reading (not counted until Start).
func NewMemorySampler() *MemorySampler { return &MemorySampler{last: ReadMemory()} }

// Start samples now and then every period.
func (s *MemorySampler) Start(period time.Duration) {
	s.Sample()
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				s.Sample()
			case <-s.stop:
				return
			}
		}
	}()
}

// Sample takes and records one reading.
func (s *MemorySampler) Sample() MemoryReading {
	m := ReadMemory()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = m
	s.RSS.Add(float64(m.RssBytes))
	s.Heap.Add(float64(m.HeapBytes))
	return m
}

// Last is the most recent reading.
func (s *MemorySampler) Last() MemoryReading {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// Stop ends the sampling.
func (s *MemorySampler) Stop() {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop = nil
	}
}

// Summaries of RSS and heap.
func (s *MemorySampler) Summaries() (rss, heap GaugeSummary) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.RSS.Summary(), s.Heap.Summary()
}

// CPUTimes is process user and system CPU, µs (getrusage RUSAGE_SELF).
type CPUTimes struct{ UserUs, SystemUs int64 }

// ReadCPU reads getrusage(RUSAGE_SELF).
func ReadCPU() CPUTimes {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return CPUTimes{}
	}
	return CPUTimes{UserUs: ru.Utime.Sec*1_000_000 + int64(ru.Utime.Usec), SystemUs: ru.Stime.Sec*1_000_000 + int64(ru.Stime.Usec)}
}

// Sub is c − earlier.
func (c CPUTimes) Sub(earlier CPUTimes) CPUTimes {
	return CPUTimes{UserUs: c.UserUs - earlier.UserUs, SystemUs: c.SystemUs - earlier.SystemUs}
}
