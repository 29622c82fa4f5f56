//! Wall-clock time and the window's start rules.
use std::time::{SystemTime, UNIX_EPOCH};

pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub fn wall_ms_f() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as f64 / 1000.0)
        .unwrap_or(0.0)
}

/// START_MODE=auto: the first 10-second boundary at least `warmup_s` after ready.
pub fn auto_start_ms(ready_ms: i64, warmup_s: i64) -> i64 {
    let earliest = ready_ms + warmup_s * 1000;
    (earliest + 9_999) / 10_000 * 10_000
}

/// A small xorshift for backoff jitter: no need for a crypto-grade source.
pub fn jitter_random() -> f64 {
    use std::cell::Cell;
    thread_local!(static STATE: Cell<u64> = Cell::new(
        (SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)) | 1
    ));
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_start_is_a_boundary_after_the_warmup() {
        assert_eq!(auto_start_ms(1_000, 10), 20_000);
        assert_eq!(auto_start_ms(10_000, 0), 10_000);
        assert_eq!(auto_start_ms(10_001, 0), 20_000);
        let r = jitter_random();
        assert!((0.0..1.0).contains(&r));
    }
}
