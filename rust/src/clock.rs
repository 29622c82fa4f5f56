//! Wall-clock time and the window's start rules: the 10-s boundary, the START line on stdin and
//! its horizon, sleeping to a wall-clock instant.
use crate::contract;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::AsyncReadExt;

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

/// START_MODE=auto: the first start boundary (the contract's timing, 10 s) at least `warmup_s`
/// after ready.
pub fn auto_start_ms(ready_ms: i64, warmup_s: i64) -> i64 {
    let boundary = contract::rule_i64(&["timing", "startBoundaryMs"]);
    let earliest = ready_ms + warmup_s * 1000;
    (earliest + boundary - 1) / boundary * boundary
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

/// `START <epochMs>` on stdin, bounded in line length and ignored lines.
pub async fn read_start() -> Result<i64, String> {
    let max_line = contract::rule_i64(&["stdin", "maxLineBytes"]) as usize;
    let max_ignored = contract::rule_i64(&["stdin", "maxIgnoredLines"]) as usize;
    let mut stdin = tokio::io::stdin();
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 1024];
    let mut ignored = 0;
    let mut eof = false;
    loop {
        while let Some(line) = next_line(&mut buf, eof) {
            if line.len() > max_line {
                return Err(format!("a stdin line is longer than {max_line} bytes"));
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            if let Some(ms) = parse_start_line(&text) {
                return check_horizon(ms, wall_ms()).map(|_| ms);
            }
            ignored += 1;
            if ignored > max_ignored {
                return Err(format!(
                    "more than {max_ignored} stdin lines that are not \"START <epochMs>\""
                ));
            }
            eprintln!(
                "ignoring stdin line {}: expected \"START <epochMs>\"",
                contract::quote(&text)
            );
        }
        if buf.len() > max_line {
            return Err(format!("a stdin line is longer than {max_line} bytes"));
        }
        if eof {
            return Err("stdin closed before a START line arrived".into());
        }
        match stdin.read(&mut chunk).await {
            Ok(0) | Err(_) => eof = true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn next_line(buf: &mut Vec<u8>, eof: bool) -> Option<Vec<u8>> {
    if let Some(nl) = buf.iter().position(|&b| b == b'\n') {
        let mut line: Vec<u8> = buf.drain(..=nl).collect();
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Some(line);
    }
    if eof && !buf.is_empty() {
        return Some(std::mem::take(buf));
    }
    None
}

pub fn parse_start_line(line: &str) -> Option<i64> {
    let digits = line.strip_prefix("START ")?.trim_end();
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub fn check_horizon(start_ms: i64, now_ms: i64) -> Result<(), String> {
    let past = contract::rule_i64(&["startHorizon", "pastMs"]);
    let future = contract::rule_i64(&["startHorizon", "futureMs"]);
    if start_ms < now_ms - past || start_ms > now_ms + future {
        return Err(format!(
            "START {start_ms} is outside [now − {past} ms, now + {future} ms] (now {now_ms})"
        ));
    }
    Ok(())
}

/// The tokio instant of a wall-clock time (now when it is past).
pub fn tokio_instant_at(wall: i64) -> tokio::time::Instant {
    let now = wall_ms();
    if wall <= now {
        tokio::time::Instant::now()
    } else {
        tokio::time::Instant::now() + Duration::from_millis((wall - now) as u64)
    }
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

    #[test]
    fn start_lines() {
        assert_eq!(parse_start_line("START 1764000020000"), Some(1764000020000));
        assert_eq!(parse_start_line("START 17 "), Some(17));
        assert_eq!(parse_start_line("START -1"), None);
        assert_eq!(parse_start_line("start 1"), None);
        assert!(check_horizon(0, 1_000_000_000).is_err());
        assert!(check_horizon(1_000, 1_000).is_ok());
        let mut buf = b"a\r\nb".to_vec();
        assert_eq!(next_line(&mut buf, false), Some(b"a".to_vec()));
        assert_eq!(next_line(&mut buf, false), None);
        assert_eq!(next_line(&mut buf, true), Some(b"b".to_vec()));
    }
}
