//! The contract's phases: producer and broker check, markets, plan and connections, ready,
//! warm-up, START, the window with its metrics lines, flush, status, report.
use crate::clock::{auto_start_ms, wall_ms, wall_ms_f};
use crate::config::Config;
use crate::metrics::{self, Gauge};
use crate::pipeline::{Phase, Pipeline};
use crate::upbit::client::{self, Client};
use crate::upbit::{markets, plan};
use crate::{contract, kafka, out, report};
use rdkafka::producer::Producer as _;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;

const METRICS_PERIOD: Duration = Duration::from_secs(5);
const MEMORY_PERIOD: Duration = Duration::from_secs(1);

type Fatal = (i32, String);

fn signals() -> watch::Receiver<Option<&'static str>> {
    let (tx, rx) = watch::channel(None);
    tokio::spawn(async move {
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        let which = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        let _ = tx.send(Some(which));
    });
    rx
}

async fn signalled(rx: &mut watch::Receiver<Option<&'static str>>) {
    let _ = rx.wait_for(|s| s.is_some()).await;
}

/// `START <epochMs>` on stdin, bounded in line length and ignored lines.
async fn read_start() -> Result<i64, String> {
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

fn tokio_instant_at(wall: i64) -> tokio::time::Instant {
    let now = wall_ms();
    if wall <= now {
        tokio::time::Instant::now()
    } else {
        tokio::time::Instant::now() + Duration::from_millis((wall - now) as u64)
    }
}

fn runtime_info() -> serde_json::Value {
    json!({
        "name": "rust",
        "version": env!("RUSTC_VERSION"),
        "websocket": format!("yawc {}", env!("YAWC_VERSION")),
        "kafkaBinding": format!("rdkafka {} (BaseProducer, dynamic-linking)", env!("RDKAFKA_VERSION")),
        "heapMeaning": "RssAnon (anonymous resident memory from /proc): Rust has no managed heap; incl. librdkafka's buffers and the preallocated latency rings",
    })
}

pub async fn run(cfg: Config, settings: BTreeMap<String, String>) -> Result<i32, Fatal> {
    let mut sig = signals();
    let pipeline = Pipeline::new(&cfg.topic, &cfg.contender, Box::new(out::log));
    let producer = kafka::create(&cfg, &settings, pipeline.clone())
        .map_err(|e| (contract::exit_code("config"), e))?;
    let mut kafka_guard = KafkaGuard::start(Arc::new(producer), pipeline.clone());
    let producer = kafka_guard.producer.clone();
    let startup = Duration::from_millis(cfg.startup_timeout_ms as u64);
    if let Err(e) = producer.client().fetch_metadata(None, startup) {
        return Err((
            contract::exit_code("broker"),
            format!("Kafka at {} unreachable: {e}", cfg.bootstrap),
        ));
    }
    let codes = markets::fetch(
        &cfg.rest_url,
        cfg.startup_timeout_ms,
        cfg.markets_limit as usize,
    )
    .await
    .map_err(|e| (contract::exit_code("markets"), e.0))?;
    let planned = plan::plan(
        &codes,
        cfg.markets_per_connection as usize,
        cfg.connect_batch as usize,
        cfg.connect_interval_ms as u64,
    );
    let planned_count = planned.len();
    out::log(&format!(
        "{} markets {} → {} connections",
        codes.len(),
        serde_json::to_string(&markets::count_by_quote(&codes)).unwrap_or_default(),
        planned_count
    ));
    pipeline.set_markets(&codes, &cfg.channel);
    let (pf, pr) = (pipeline.clone(), pipeline.clone());
    let client = Client::new(
        planned_count,
        client::Options {
            url: cfg.ws_url.clone(),
            ticket_prefix: cfg.contender.clone(),
            channel: cfg.channel.clone(),
            compression: cfg.compression,
            ping_interval: Duration::from_millis(cfg.ping_interval_ms as u64),
            handshake_timeout: Duration::from_millis(cfg.handshake_timeout_ms as u64),
            silence_timeout: Duration::from_millis(cfg.silence_timeout_ms as u64),
            max_retries: cfg.reconnect_max_retries as u32,
            backoff_base_ms: cfg.reconnect_base_ms,
            stable_after: Duration::from_millis(cfg.reconnect_stable_ms as u64),
            max_frame_bytes: cfg.max_frame_bytes as usize,
            on_frame: Box::new(move |f| pf.on_frame(f)),
            on_refused: Box::new(move |r| pr.refused(r)),
            on_log: Box::new(|l| out::log(&l)),
        },
    );
    let first = plan::first_batch_at(wall_ms(), cfg.connect_interval_ms, cfg.connect_phase_ms);
    let tasks = client.start(planned, tokio_instant_at(first));
    tokio::select! {
        _ = client.ready() => {}
        _ = signalled(&mut sig) => {}
    }

    // ready: the warm-up produces at once
    let ready_at_ms = wall_ms();
    pipeline.set_phase(Phase::Warmup);
    out::event(
        json!({"event": "ready", "contender": cfg.contender, "connections": client.live(), "markets": codes.len(), "atMs": ready_at_ms}),
    );
    let mut start_ms = auto_start_ms(ready_at_ms, cfg.warmup_s);
    let mut bad_start: Option<String> = None;
    if sig.borrow().is_some() {
        start_ms = ready_at_ms;
    } else if cfg.start_stdin {
        tokio::select! {
            r = read_start() => match r {
                Ok(ms) => start_ms = ms,
                Err(why) => {
                    out::log(&format!("bad start: {why}"));
                    bad_start = Some(why);
                    start_ms = wall_ms();
                }
            },
            _ = signalled(&mut sig) => start_ms = wall_ms(),
        }
    }
    let measure = bad_start.is_none();
    if measure && sig.borrow().is_none() {
        out::event(json!({"event": "warmup", "fromMs": ready_at_ms, "startMs": start_ms}));
        out::log(&format!(
            "warm-up from ready; window starts at {start_ms} for {} s",
            cfg.test_duration_s
        ));
        tokio::select! {
            _ = tokio::time::sleep_until(tokio_instant_at(start_ms)) => {}
            _ = signalled(&mut sig) => {}
        }
        // the last milliseconds to the boundary, finer than the timer wheel
        while sig.borrow().is_none() && wall_ms_f() < start_ms as f64 {
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    // the window
    let opened_at = Instant::now();
    let opened_wall = wall_ms_f();
    let cpu0 = metrics::cpu_us();
    let (mut rss, mut heap) = (Gauge::default(), Gauge::default());
    let target = Duration::from_secs(cfg.test_duration_s as u64);
    let mut last_mem = metrics::memory();
    if measure {
        if sig.borrow().is_none() {
            pipeline.set_phase(Phase::Window);
        }
        out::event(json!({"event": "start", "startMs": start_ms}));
        let end = tokio_instant_at(start_ms) + target;
        let t0 = tokio::time::Instant::now() - opened_at.elapsed();
        let mut k = 1u32;
        let mut mem_tick = tokio::time::interval(MEMORY_PERIOD);
        while sig.borrow().is_none() {
            let next_metrics = t0 + METRICS_PERIOD * k;
            tokio::select! {
                _ = tokio::time::sleep_until(end) => break,
                _ = signalled(&mut sig) => break,
                _ = mem_tick.tick() => {
                    last_mem = metrics::memory();
                    rss.add(last_mem.0 as f64);
                    heap.add(last_mem.1 as f64);
                }
                _ = tokio::time::sleep_until(next_metrics), if METRICS_PERIOD * k < target => {
                    interval(&pipeline, opened_at.elapsed(), last_mem, &cfg, &client, k.is_multiple_of(2));
                    k += 1;
                }
            }
        }
    }
    pipeline.set_phase(Phase::Closed);
    let closed_at = Instant::now();
    let closed_wall = wall_ms_f();
    let signal_name = *sig.borrow();
    if let Some(s) = signal_name {
        out::log(&format!("{s}: closing the window, flushing"));
    }
    if measure {
        let offset = closed_at.duration_since(opened_at);
        let same = pipeline
            .lock()
            .rec
            .intervals
            .last()
            .is_some_and(|s| s.offset_ms == (offset.as_micros() as f64 / 1000.0).round());
        if !same {
            interval(&pipeline, offset, last_mem, &cfg, &client, false);
        }
    }
    client.close();
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
    }
    if measure {
        out::event(json!({"event": "end", "endMs": closed_wall.round() as i64}));
    }

    // flush, then serve the last delivery reports on this thread
    let _ = producer.flush(Duration::from_millis(cfg.flush_timeout_ms as u64));
    kafka_guard.stop_polling();
    producer.poll(Duration::ZERO);
    let cpu1 = metrics::cpu_us();
    let cpu = (cpu1.0 - cpu0.0, cpu1.1 - cpu0.1);
    let flushed_at = Instant::now();
    if rss.summary()["samples"] == 0 {
        let m = metrics::memory();
        rss.add(m.0 as f64);
        heap.add(m.1 as f64);
    }

    let rep = build(Facts {
        cfg: &cfg,
        settings: &settings,
        pipeline: &pipeline,
        client: &client,
        codes: &codes,
        planned: planned_count,
        ready_at_ms,
        start_ms,
        opened_wall,
        closed_wall,
        longest_all_down_ms: client.longest_all_down(opened_at, closed_at).as_millis() as u64,
        cpu,
        cpu_wall_ms: flushed_at.duration_since(opened_at).as_micros() as f64 / 1000.0,
        rss,
        heap,
        bad_start,
        signal: signal_name,
    });
    let status = rep["status"].as_str().unwrap_or("failed").to_owned();
    let path = report::write(&cfg.report_dir, &cfg.contender, &rep)
        .map_err(|e| (1, format!("cannot write the report: {e}")))?;
    summary(&rep);
    out::event(json!({"event": "report", "path": path.to_string_lossy(), "status": status}));
    Ok(report::exit_code(&status, signal_name))
}

/// The producer and the thread that serves its delivery reports and statistics (so the socket
/// loop never waits for them). Dropped on every way out of the run: the poller stops and the
/// producer is destroyed (rd_kafka_destroy) before the process exits, never under librdkafka's
/// running threads (exiting under them crashed the process: exit 139 instead of 4).
struct KafkaGuard {
    producer: Arc<kafka::Producer>,
    pipeline: Arc<Pipeline>,
    stop: Arc<AtomicBool>,
    poller: Option<std::thread::JoinHandle<()>>,
}

impl KafkaGuard {
    fn start(producer: Arc<kafka::Producer>, pipeline: Arc<Pipeline>) -> Self {
        pipeline.set_producer(Some(producer.clone()));
        let stop = Arc::new(AtomicBool::new(false));
        let poller = {
            let (p, stop) = (producer.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    p.poll(Duration::from_millis(50));
                }
            })
        };
        KafkaGuard {
            producer,
            pipeline,
            stop,
            poller: Some(poller),
        }
    }

    fn stop_polling(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.poller.take() {
            let _ = t.join();
        }
    }
}

impl Drop for KafkaGuard {
    fn drop(&mut self) {
        self.stop_polling();
        // the pipeline's reference goes here, this guard's right after; the run's own clone was
        // declared after the guard, so it is already gone: the producer is destroyed now
        self.pipeline.set_producer(None);
    }
}

fn interval(
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
        let done = (s.offset_ms / 1000.0).min(cfg.test_duration_s as f64);
        out::log(&format!(
            "progress {:.0}/{} s ({:.0}%) received={} delivered={} failed={} invalid={} reconnects={}",
            done,
            cfg.test_duration_s,
            done / cfg.test_duration_s as f64 * 100.0,
            s.received,
            s.delivered,
            s.failed,
            invalid,
            client.stats().reconnects
        ));
    }
}

struct Facts<'a> {
    cfg: &'a Config,
    settings: &'a BTreeMap<String, String>,
    pipeline: &'a Pipeline,
    client: &'a Client,
    codes: &'a [String],
    planned: usize,
    ready_at_ms: i64,
    start_ms: i64,
    opened_wall: f64,
    closed_wall: f64,
    longest_all_down_ms: u64,
    cpu: (i64, i64),
    cpu_wall_ms: f64,
    rss: Gauge,
    heap: Gauge,
    bad_start: Option<String>,
    signal: Option<&'static str>,
}

fn round(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

fn build(f: Facts) -> serde_json::Value {
    let cs = f.client.stats();
    let sh = f.pipeline.lock();
    let r = &sh.rec;
    let target_ms = f.cfg.test_duration_s as f64 * 1000.0;
    let measured_ms = (f.closed_wall - f.opened_wall).max(0.0);
    let seconds = (measured_ms / 1000.0).max(1e-9);
    let cpu_us = (f.cpu.0 + f.cpu.1) as f64;
    let us_per_msg = if r.delivered > 0 {
        round(cpu_us / r.delivered as f64, 2)
    } else {
        0.0
    };
    let cores = if f.cpu_wall_ms > 0.0 {
        round(cpu_us / 1000.0 / f.cpu_wall_ms, 3)
    } else {
        0.0
    };
    let outcome = report::Outcome {
        received: r.received,
        invalid: r.invalid,
        delivered: r.delivered,
        failed: r.failed,
        in_flight: r.in_flight(),
        warmup_received: r.warmup.received,
        warmup_produced: r.warmup.produced,
        warmup_delivered: r.warmup.delivered,
        warmup_failed: r.warmup.failed,
        longest_all_down_ms: f.longest_all_down_ms,
        target_ms,
        measured_ms,
        given_up: cs.failed,
        bad_start: f.bad_start.clone(),
        interrupted: f.signal.is_some(),
    };
    let (status, reasons) = report::judge(&outcome);
    let mut connect = metrics::histogram();
    for v in &cs.connect_us {
        metrics::record(&mut connect, *v);
    }
    json!({
        "schemaVersion": report::SCHEMA_VERSION,
        "contender": f.cfg.contender,
        "status": status,
        "statusReasons": reasons.iter().map(|(c, m)| json!({"code": c, "message": m})).collect::<Vec<_>>(),
        "runtime": runtime_info(),
        "librdkafka": {"version": kafka::version()},
        "host": report::host(),
        "config": crate::config::report_view(f.cfg),
        "producerSettings": kafka::redacted_settings(f.settings),
        "timing": {
            "readyAtMs": f.ready_at_ms,
            "startMs": f.start_ms,
            "endMs": f.closed_wall.round() as i64,
            "targetDurationMs": target_ms,
            "measuredDurationMs": round(measured_ms, 3),
            "accuracyMs": round(measured_ms - target_ms, 3),
            "startLagMs": round(f.opened_wall - f.start_ms as f64, 3),
        },
        "warmup": {
            "targetS": f.cfg.warmup_s,
            "durationMs": round((f.opened_wall - f.ready_at_ms as f64).max(0.0), 3),
            "received": r.warmup.received,
            "produced": r.warmup.produced,
            "delivered": r.warmup.delivered,
            "failed": r.warmup.failed,
        },
        "connections": {
            "planned": f.planned,
            "opened": cs.opened,
            "reconnects": cs.reconnects,
            "failed": cs.failed,
            "disconnectedMs": cs.disconnected_ms,
            "rateLimited": cs.rate_limited,
            "handshakeTimeouts": cs.handshake_timeouts,
            "silenceReconnects": cs.silence_reconnects,
            "flaps": cs.flaps,
            "longestAllDownMs": f.longest_all_down_ms,
            "compression": cs.compression,
            "connectUs": metrics::summarize(&connect),
        },
        "markets": {"count": f.codes.len(), "byQuote": markets::count_by_quote(f.codes)},
        "messages": {
            "received": r.received,
            "invalid": r.invalid,
            "produced": r.produced,
            "delivered": r.delivered,
            "failed": r.failed,
            "inFlightAtEnd": r.in_flight(),
            "queueFullRetries": r.queue_full_retries,
            "errorsByCode": r.errors_by_code,
            "invalidSamples": r.invalid_samples,
            "bytesReceived": r.bytes_received,
            "beforeReady": r.before_ready,
            "errorFrames": r.error_frames,
            "statusFrames": r.status_frames,
        },
        "throughput": {
            "receivedPerSec": round(r.received as f64 / seconds, 1),
            "deliveredPerSec": round(r.delivered as f64 / seconds, 1),
            "deliveredBytesPerSec": round(r.delivered_bytes as f64 / seconds, 1),
        },
        "latency": {
            "processing": metrics::summarize(&r.processing),
            "kafkaAck": metrics::summarize(&r.kafka_ack),
            "pipeline": metrics::summarize(&r.pipeline),
            "exchangeToAck": metrics::summarize(&r.exchange_to_ack),
        },
        "librdkafkaStats": sh.stats.summary(),
        "memory": {"rssBytes": f.rss.summary(), "heapBytes": f.heap.summary()},
        "cpu": {"userUs": f.cpu.0, "systemUs": f.cpu.1, "usPerDeliveredMessage": us_per_msg, "coresUsed": cores},
        "intervals": r.intervals,
        "reliability": {
            "reconnects": cs.reconnects,
            "disconnectedMs": cs.disconnected_ms,
            "invalidFrames": r.invalid,
            "queueFullRetries": r.queue_full_retries,
            "failedDeliveries": r.failed,
            "failedByCode": r.errors_by_code,
        },
    })
}

fn summary(rep: &serde_json::Value) {
    let l = &rep["latency"]["pipeline"];
    out::log(&format!(
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
            out::log(&format!(
                "status reason {}: {}",
                r["code"].as_str().unwrap_or(""),
                r["message"].as_str().unwrap_or("")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet_client() -> Arc<Client> {
        Client::new(
            0,
            client::Options {
                url: "ws://127.0.0.1:1".into(),
                ticket_prefix: "rust".into(),
                channel: "ticker".into(),
                compression: true,
                ping_interval: Duration::from_secs(20),
                handshake_timeout: Duration::from_secs(1),
                silence_timeout: Duration::ZERO,
                max_retries: 0,
                backoff_base_ms: 1,
                stable_after: Duration::ZERO,
                max_frame_bytes: 1024,
                on_frame: Box::new(|_| true),
                on_refused: Box::new(|_| {}),
                on_log: Box::new(|_| {}),
            },
        )
    }

    /// A report built from a run's books (here one that saw nothing) matches report.schema.json,
    /// the schema the bench checks every contender's report against.
    #[test]
    fn a_built_report_matches_the_schema() {
        let cfg = crate::config::parse(&Default::default(), &[], "rust").unwrap();
        let pipeline = Pipeline::new("t", "rust", Box::new(|_| {}));
        pipeline.set_markets(&["KRW-BTC".to_owned()], "ticker");
        pipeline.set_phase(Phase::Window);
        pipeline.on_frame(b"not json");
        let client = quiet_client();
        let mut rss = Gauge::default();
        rss.add(1.0);
        let settings: BTreeMap<String, String> = [
            ("linger.ms".to_owned(), "5".to_owned()),
            ("sasl.password".to_owned(), "hunter2".to_owned()),
        ]
        .into();
        let rep = build(Facts {
            cfg: &cfg,
            settings: &settings,
            pipeline: &pipeline,
            client: &client,
            codes: &["KRW-BTC".to_owned()],
            planned: 0,
            ready_at_ms: 1,
            start_ms: 2,
            opened_wall: 2.0,
            closed_wall: 3.0,
            longest_all_down_ms: 0,
            cpu: (1, 1),
            cpu_wall_ms: 1.0,
            rss,
            heap: Gauge::default(),
            bad_start: None,
            signal: None,
        });
        let schema: serde_json::Value = serde_json::from_str(contract::REPORT_SCHEMA_JSON).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&rep)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(rep["status"], "failed");
        assert_eq!(rep["messages"]["invalid"], 1);
        assert_eq!(rep["producerSettings"]["sasl.password"], "[redacted]");
        assert!(!rep.to_string().contains("hunter2"));
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
