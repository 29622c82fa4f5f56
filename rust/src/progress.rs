//! The console protocol: human lines `[name] ...` and machine lines `@bench {json}`, every one
//! scrubbed of the run's secrets.
use crate::contract::Scrubber;
use serde_json::Value;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

pub struct Out {
    name: String,
    scrub: Scrubber,
    lock: Mutex<()>,
}

static OUT: OnceLock<Out> = OnceLock::new();

pub fn init(name: &str, scrub: Scrubber) {
    let _ = OUT.set(Out {
        name: name.to_owned(),
        scrub,
        lock: Mutex::new(()),
    });
}

fn out() -> &'static Out {
    OUT.get_or_init(|| Out {
        name: "rust".into(),
        scrub: Scrubber::default(),
        lock: Mutex::new(()),
    })
}

pub fn scrub(text: &str) -> String {
    out().scrub.scrub(text)
}

pub fn log(line: &str) {
    let o = out();
    let _g = o.lock.lock();
    let mut w = std::io::stdout().lock();
    let _ = writeln!(w, "[{}] {}", o.name, o.scrub.scrub(line));
    let _ = w.flush();
}

pub fn event(mut payload: Value) {
    let o = out();
    if payload["event"] == "error" {
        if let Some(m) = payload["message"].as_str() {
            payload["message"] = Value::String(o.scrub.scrub(m));
        }
    }
    let _g = o.lock.lock();
    let mut w = std::io::stdout().lock();
    let _ = writeln!(w, "@bench {payload}");
    let _ = w.flush();
}

/// The closing human line, and one line per status reason.
pub fn summary(rep: &serde_json::Value) {
    let l = &rep["latency"]["pipeline"];
    log(&format!(
        "done ({}): {}/{} delivered in {:.3} s (accuracy {} ms), {} msg/s, pipeline p50={:.2} ms p99={:.2} ms, rss max {:.1} MB, cpu {} µs/msg",
        rep["status"].as_str().unwrap_or(""),
        rep["messages"]["delivered"],
        rep["messages"]["received"],
        rep["timing"]["measuredDurationMs"].as_f64().unwrap_or(0.0) / 1000.0,
        rep["timing"]["accuracyMs"],
        rep["throughput"]["deliveredPerSec"],
        l["p50Us"].as_f64().unwrap_or(0.0) / 1000.0,
        l["p99Us"].as_f64().unwrap_or(0.0) / 1000.0,
        rep["memory"]["rssBytes"]["max"].as_f64().unwrap_or(0.0) / 1048576.0,
        rep["cpu"]["usPerDeliveredMessage"],
    ));
    if let Some(reasons) = rep["statusReasons"].as_array() {
        for r in reasons {
            log(&format!(
                "status reason {}: {}",
                r["code"].as_str().unwrap_or(""),
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
}
