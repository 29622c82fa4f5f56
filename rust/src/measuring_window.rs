//! The window's own clock: an interval sample and its metrics line every metrics interval (the
//! contract's timing, 5 s) after it opens, a
//! human progress line every 10 s, and the last sample when it closes.
use crate::clock::{tokio_instant_at, wall_ms_f};
use crate::config::Config;
use crate::contract;
use crate::metrics::{self, Gauge};
use crate::pipeline::{Phase, Pipeline};
use crate::progress;
use crate::run::{signalled, Connections, Signal, Start};
use crate::upbit::client::Client;
use serde_json::json;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

static METRICS_PERIOD: LazyLock<Duration> = LazyLock::new(|| {
    Duration::from_millis(contract::rule_i64(&["timing", "metricsIntervalMs"]) as u64)
});
const MEMORY_PERIOD: Duration = Duration::from_secs(1);

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
    progress::log(&format!(
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
    progress::event(json!({
        "event": "metrics", "offsetMs": s.offset_ms, "received": s.received, "delivered": s.delivered,
        "failed": s.failed, "receivedPerSec": s.received_per_sec, "deliveredPerSec": s.delivered_per_sec,
        "pipelineP99Us": s.pipeline_p99_us, "rssBytes": s.rss_bytes,
    }));
    if progress {
        let done = (s.offset_ms / 1000.0).min(cfg.test_duration as f64);
        progress::log(&format!(
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

/// What `measure` and `flush` record of the window.
pub struct Window {
    pub opened_at: Instant,
    pub opened_wall: f64,
    pub closed_at: Instant,
    pub closed_wall: f64,
    pub cpu0: (i64, i64),
    pub cpu: (i64, i64),
    pub flushed_at: Instant,
    pub rss: Gauge,
    pub heap: Gauge,
    pub signal: Option<&'static str>,
}

/// measure: the window, from its start until TEST_DURATION later or a signal, with a metrics
/// line every 5 s and memory sampled every second; then the sockets close.
pub async fn measure(
    cfg: &Config,
    pipeline: &Pipeline,
    conns: &mut Connections,
    start: &Start,
    sig: &mut Signal,
) -> Window {
    let client = conns.client.clone();
    let client = &client;
    let opened_at = Instant::now();
    let opened_wall = wall_ms_f();
    let cpu0 = metrics::cpu_us();
    let (mut rss, mut heap) = (Gauge::default(), Gauge::default());
    let target = Duration::from_secs(cfg.test_duration as u64);
    let mut last_mem = metrics::memory();
    let opens = start.bad_start.is_none();
    if opens {
        if sig.borrow().is_none() {
            pipeline.set_phase(Phase::Window);
        }
        progress::event(json!({"event": "start", "startMs": start.start_ms}));
        let end = tokio_instant_at(start.start_ms) + target;
        let t0 = tokio::time::Instant::now() - opened_at.elapsed();
        let mut k = 1u32;
        let mut mem_tick = tokio::time::interval(MEMORY_PERIOD);
        while sig.borrow().is_none() {
            let next_metrics = t0 + *METRICS_PERIOD * k;
            tokio::select! {
                _ = tokio::time::sleep_until(end) => break,
                _ = signalled(sig) => break,
                _ = mem_tick.tick() => {
                    last_mem = metrics::memory();
                    rss.add(last_mem.0 as f64);
                    heap.add(last_mem.1 as f64);
                }
                _ = tokio::time::sleep_until(next_metrics), if *METRICS_PERIOD * k < target => {
                    interval(pipeline, opened_at.elapsed(), last_mem, cfg, client, k.is_multiple_of(2));
                    k += 1;
                }
            }
        }
    }
    pipeline.set_phase(Phase::Closed);
    let closed_at = Instant::now();
    let closed_wall = wall_ms_f();
    let signal = *sig.borrow();
    if let Some(s) = signal {
        progress::log(&format!("{s}: closing the window, flushing"));
    }
    if opens {
        let offset = closed_at.duration_since(opened_at);
        let same = pipeline
            .lock()
            .rec
            .intervals
            .last()
            .is_some_and(|s| s.offset_ms == (offset.as_micros() as f64 / 1000.0).round());
        if !same {
            interval(pipeline, offset, last_mem, cfg, client, false);
        }
    }
    client.close();
    for t in conns.tasks.drain(..) {
        let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
    }
    if opens {
        progress::event(json!({"event": "end", "endMs": closed_wall.round() as i64}));
    }
    Window {
        opened_at,
        opened_wall,
        closed_at,
        closed_wall,
        cpu0,
        cpu: (0, 0),
        flushed_at: closed_at,
        rss,
        heap,
        signal,
    }
}
