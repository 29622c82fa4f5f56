//! The report (schemas/report.schema.json): its status by the contract's rules, host facts, its
//! assembly, and writing it atomically (a fresh O_EXCL file renamed over the path).
pub mod build;

use crate::contract;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const SCHEMA_VERSION: u32 = 2;

#[derive(Default, Debug, Clone)]
pub struct Outcome {
    pub received: u64,
    pub invalid: u64,
    pub delivered: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub warmup_received: u64,
    pub warmup_produced: u64,
    pub warmup_delivered: u64,
    pub warmup_failed: u64,
    pub longest_all_down_ms: u64,
    pub target_ms: f64,
    pub measured_ms: f64,
    pub given_up: u64,
    pub bad_start: Option<String>,
    pub interrupted: bool,
}

fn unbalanced(o: &Outcome) -> Option<String> {
    let valid = o.received as i64 - o.invalid as i64;
    let sum = (o.delivered + o.failed + o.in_flight) as i64;
    if sum != valid {
        return Some(format!(
            "window: delivered {} + failed {} + in flight {} = {}, not the {} valid frames (received {} − invalid {})",
            o.delivered, o.failed, o.in_flight, sum, valid, o.received, o.invalid
        ));
    }
    if o.warmup_delivered + o.warmup_failed > o.warmup_received {
        return Some(format!(
            "warm-up: delivered {} + failed {} exceeds the {} frames received",
            o.warmup_delivered, o.warmup_failed, o.warmup_received
        ));
    }
    if o.warmup_delivered > o.warmup_produced {
        return Some(format!(
            "warm-up: delivered {} exceeds the {} produced",
            o.warmup_delivered, o.warmup_produced
        ));
    }
    None
}

/// The status and its reasons (in the contract's order of codes).
pub fn judge(o: &Outcome) -> (&'static str, Vec<(String, String)>) {
    let mut failed: Vec<(&str, String)> = Vec::new();
    let mut degraded: Vec<(&str, String)> = Vec::new();
    if let Some(why) = &o.bad_start {
        failed.push(("bad-start", why.clone()));
    } else {
        if o.received == 0 {
            failed.push(("no-messages", "no frame was received in the window".into()));
        }
        if o.delivered == 0 {
            failed.push(("none-delivered", "no message was delivered".into()));
        }
        let valid = o.received as i64 - o.invalid as i64;
        let lost = valid - o.delivered as i64;
        if lost > 0 {
            let msg = format!(
                "{} of {} valid frames were not delivered ({:.3} %)",
                lost,
                valid,
                lost as f64 / valid as f64 * 100.0
            );
            if lost as f64
                > contract::rule_f64(&["status", "failUndeliveredFraction"]) * valid as f64
            {
                failed.push(("undelivered", msg));
            } else {
                degraded.push(("undelivered", msg));
            }
        }
        let limit = (contract::rule_f64(&["status", "failAllDownMs"]))
            .min(contract::rule_f64(&["status", "failAllDownWindowFraction"]) * o.target_ms);
        if o.longest_all_down_ms as f64 >= limit {
            failed.push((
                "all-connections-down",
                format!(
                    "no connection was open for {} ms in one stretch (limit {:.0} ms)",
                    o.longest_all_down_ms, limit
                ),
            ));
        }
        if let Some(msg) = unbalanced(o) {
            failed.push(("unbalanced", msg));
        }
        if (o.measured_ms - o.target_ms).abs()
            > contract::rule_f64(&["status", "degradeAccuracyMs"])
        {
            degraded.push((
                "short-window",
                format!(
                    "the window lasted {:.0} ms instead of {:.0} ms",
                    o.measured_ms, o.target_ms
                ),
            ));
        }
    }
    if o.given_up > 0 && o.bad_start.is_none() {
        degraded.push((
            "connections-given-up",
            format!("{} connection(s) used up their retries", o.given_up),
        ));
    }
    let status = if o.interrupted {
        "interrupted"
    } else if !failed.is_empty() {
        "failed"
    } else if !degraded.is_empty() {
        "degraded"
    } else {
        "complete"
    };
    let order: Vec<String> = contract::rules()["statusCodes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut reasons = Vec::new();
    for code in &order {
        if let Some((_, m)) = failed
            .iter()
            .chain(degraded.iter())
            .find(|(c, _)| c == code)
        {
            reasons.push((code.clone(), m.clone()));
        }
    }
    (status, reasons)
}

pub fn exit_code(status: &str, signal: Option<&str>) -> i32 {
    match status {
        "degraded" => contract::exit_code("degraded"),
        "failed" => contract::exit_code("failed"),
        "interrupted" => contract::exit_code(signal.unwrap_or("SIGTERM")),
        _ => contract::exit_code("complete"),
    }
}

/// Host facts, named as Node's process.platform / process.arch name them so reports compare.
pub fn host() -> Value {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        "x86" => "ia32",
        other => other,
    };
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    json!({"platform": std::env::consts::OS, "arch": arch, "cpus": cpus, "cpuModel": model, "memoryBytes": mem_kb * 1024})
}

pub fn path(dir: &str, contender: &str) -> PathBuf {
    Path::new(dir).join(format!("{contender}_performance_report.json"))
}

/// Writes `data` to a new file beside `path` (O_CREAT|O_EXCL: never through a planted link),
/// then renames it over `path`.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let base = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(".{base}.{}.{nanos:08x}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn write(dir: &str, contender: &str, report: &Value) -> std::io::Result<PathBuf> {
    let p = path(dir, contender);
    std::fs::create_dir_all(dir)?;
    let mut data = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    data.push(b'\n');
    write_atomic(&p, &data)?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Outcome {
        Outcome {
            received: 100,
            delivered: 100,
            target_ms: 10_000.0,
            measured_ms: 10_000.0,
            ..Default::default()
        }
    }

    #[test]
    fn status_rules() {
        assert_eq!(judge(&clean()).0, "complete");
        let o = Outcome {
            delivered: 99,
            in_flight: 1,
            ..clean()
        };
        assert_eq!(judge(&o).0, "degraded");
        let o = Outcome {
            delivered: 50,
            failed: 50,
            ..clean()
        };
        let (status, reasons) = judge(&o);
        assert_eq!(status, "failed");
        assert_eq!(reasons[0].0, "undelivered");
        let o = Outcome {
            delivered: 99,
            ..clean()
        };
        assert!(judge(&o).1.iter().any(|(c, _)| c == "unbalanced"));
        let o = Outcome {
            longest_all_down_ms: 5_000,
            ..clean()
        };
        assert_eq!(judge(&o).1[0].0, "all-connections-down");
        let o = Outcome {
            bad_start: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(
            judge(&o),
            ("failed", vec![("bad-start".to_owned(), "x".to_owned())])
        );
        assert_eq!(exit_code("interrupted", Some("SIGINT")), 130);
    }

    #[test]
    fn a_planted_link_is_replaced_not_followed() {
        let dir = std::env::temp_dir().join(format!("rust-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("target.txt");
        std::fs::write(&target, "keep").unwrap();
        let p = dir.join("r.json");
        std::os::unix::fs::symlink(&target, &p).unwrap();
        write_atomic(&p, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{}");
        assert!(!std::fs::symlink_metadata(&p)
            .unwrap()
            .file_type()
            .is_symlink());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
