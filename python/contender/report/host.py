"""The host facts of the report, named as Node's os module names them (as the Go contender
also does), so reports from every runtime compare field for field."""

from __future__ import annotations

import os
import platform
import sys

# platform.machine() → Node's process.arch
_NODE_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64", "i686": "ia32", "armv7l": "arm"}


def host_info() -> dict[str, object]:
    return {
        "platform": sys.platform,
        "arch": _NODE_ARCH.get(platform.machine().lower(), platform.machine()),
        "cpus": os.cpu_count() or 1,
        "cpuModel": _cpu_model(),
        "memoryBytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "cpu model", "Hardware") and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
