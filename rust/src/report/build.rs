//! The report's assembly from what the run recorded, read under the pipeline's lock after flush.
use crate::config::Config;
use crate::kafka;
use crate::metrics::{self, Gauge};
use crate::pipeline::Pipeline;
use crate::upbit::client::Client;
use crate::upbit::markets;
use serde_json::json;
use std::collections::BTreeMap;

fn runtime_info(kind: kafka::Kind) -> serde_json::Value {
    json!({
        "name": "rust",
        "version": env!("RUSTC_VERSION"),
        "websocket": format!("yawc {}", env!("YAWC_VERSION")),
        "kafkaBinding": kind.binding(),
        "heapMeaning": "RssAnon (anonymous resident memory from /proc): Rust has no managed heap; incl. librdkafka's buffers and the preallocated latency rings",
    })
}

pub struct Facts<'a> {
    pub cfg: &'a Config,
    pub kind: kafka::Kind,
    pub settings: &'a BTreeMap<String, String>,
    pub pipeline: &'a Pipeline,
    pub client: &'a Client,
    pub codes: &'a [String],
    pub planned: usize,
    pub ready_at_ms: i64,
    pub start_ms: i64,
    pub opened_wall: f64,
    pub closed_wall: f64,
    pub longest_all_down_ms: u64,
    pub cpu: (i64, i64),
    pub cpu_wall_ms: f64,
    pub rss: Gauge,
    pub heap: Gauge,
    pub bad_start: Option<String>,
    pub signal: Option<&'static str>,
}

fn round(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

pub fn build(f: Facts) -> serde_json::Value {
    let cs = f.client.stats();
    let sh = f.pipeline.lock();
    let r = &sh.rec;
    let target_ms = f.cfg.test_duration as f64 * 1000.0;
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
    let outcome = super::Outcome {
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
    let (status, reasons) = super::judge(&outcome);
    let mut connect = metrics::histogram();
    for v in &cs.connect_us {
        metrics::record(&mut connect, *v);
    }
    json!({
        "schemaVersion": super::SCHEMA_VERSION,
        "contender": f.cfg.contender,
        "status": status,
        "statusReasons": reasons.iter().map(|(c, m)| json!({"code": c, "message": m})).collect::<Vec<_>>(),
        "runtime": runtime_info(f.kind),
        "librdkafka": {"version": kafka::version()},
        "host": super::host::host(),
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
            "targetS": f.cfg.warmup_seconds,
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
            // the window's histograms the summaries were read from, so rounds can be pooled
            "histograms": {
                "processing": metrics::encode(&r.processing),
                "kafkaAck": metrics::encode(&r.kafka_ack),
                "pipeline": metrics::encode(&r.pipeline),
                "exchangeToAck": metrics::encode(&r.exchange_to_ack),
            },
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

#[cfg(test)]
mod tests;
