"""What a run measures: counters and HDR latency histograms (µs), the 5-second interval series,
and the process's memory and CPU."""
