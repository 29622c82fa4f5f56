package report

import (
	"bufio"
	"os"
	"runtime"
	"strings"
	"syscall"
)

// NodeArch names GOARCH as Node's process.arch does, so reports of all contenders compare.
func NodeArch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x64"
	case "386":
		return "ia32"
	case "ppc64le":
		return "ppc64"
	}
	return goarch
}

// HostInfo describes this machine as Node's os module would.
func HostInfo() Host {
	h := Host{Platform: runtime.GOOS, Arch: NodeArch(runtime.GOARCH), Cpus: runtime.NumCPU(), CPUModel: cpuModel()}
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err == nil {
		h.MemoryBytes = uint64(si.Totalram) * uint64(si.Unit)
	}
	return h
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		key, value, ok := strings.Cut(scanner.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "model name", "Model", "cpu model", "Hardware":
			if v := strings.TrimSpace(value); v != "" {
				return v
			}
		}
	}
	return "unknown"
}
