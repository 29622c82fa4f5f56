//! The window's own clock: an interval sample and its metrics line every 5 s after it opens, a
//! human progress line every 10 s, and the last sample when it closes.
use crate::config::Config;
use crate::out;
use crate::pipeline::Pipeline;
use crate::upbit::client::Client;
use serde_json::json;
use std::time::Duration;

/// One interval of the series closed at `offset`: its metrics line, and every other one a
/// progress line.
pub fn interval(
    pl: &Pipeline,
    offset: Duration,
    mem: (u64, u64),
    cfg: &Config,
    client: &Client,
    progress: bool,
) {
    let offset_ms = offset.as_micros() as f64 / 1000.0;
    let (s, p95, p99, invalid) = {
        let mut sh = pl.lock();
        let s = sh.rec.interval(offset_ms, mem.0, mem.1);
        let h = &sh.rec.pipeline;
        let (p95, p99) = if h.is_empty() {
            (0.0, 0.0)
        } else {
            (
                h.value_at_quantile(0.95) as f64,
                h.value_at_quantile(0.99) as f64,
            )
        };
        (s, p95, p99, sh.rec.invalid)
    };
    out::log(&format!(
        "metrics t={:.0}s received={} ({}/s) delivered={} ({}/s) pipeline p95={:.2} ms p99={:.2} ms rss={:.1} MB",
        s.offset_ms / 1000.0,
        s.received,
        s.received_per_sec,
        s.delivered,
        s.delivered_per_sec,
        p95 / 1000.0,
        p99 / 1000.0,
        s.rss_bytes as f64 / 1048576.0
    ));
    out::event(json!({
        "event": "metrics", "offsetMs": s.offset_ms, "received": s.received, "delivered": s.delivered,
        "failed": s.failed, "receivedPerSec": s.received_per_sec, "deliveredPerSec": s.delivered_per_sec,
        "pipelineP99Us": s.pipeline_p99_us, "rssBytes": s.rss_bytes,
    }));
    if progress {
        let done = (s.offset_ms / 1000.0).min(cfg.test_duration as f64);
        out::log(&format!(
            "progress {:.0}/{} s ({:.0}%) received={} delivered={} failed={} invalid={} reconnects={}",
            done,
            cfg.test_duration,
            done / cfg.test_duration as f64 * 100.0,
            s.received,
            s.delivered,
            s.failed,
            invalid,
            client.stats().reconnects
        ));
    }
}
