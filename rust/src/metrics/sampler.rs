//! Memory (RSS, anonymous resident) and CPU of the process, and the gauge of the 1-s samples.
/// Resident set size and anonymous resident memory (the Rust row's "heap"), from /proc.
pub fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    (field("VmRSS:"), field("RssAnon:"))
}

/// User and system CPU of the whole process, µs.
pub fn cpu_us() -> (i64, i64) {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let us = |t: libc::timeval| t.tv_sec * 1_000_000 + t.tv_usec;
    (us(ru.ru_utime), us(ru.ru_stime))
}

#[derive(Default)]
pub struct Gauge {
    n: u64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Gauge {
    pub fn add(&mut self, v: f64) {
        if self.n == 0 || v < self.min {
            self.min = v;
        }
        if self.n == 0 || v > self.max {
            self.max = v;
        }
        self.n += 1;
        self.sum += v;
    }

    pub fn summary(&self) -> serde_json::Value {
        let avg = if self.n == 0 {
            0.0
        } else {
            (self.sum / self.n as f64).round()
        };
        serde_json::json!({"samples": self.n, "avg": avg, "min": self.min, "max": self.max})
    }
}
