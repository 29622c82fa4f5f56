//! The report's assembly from what the run recorded, read under the pipeline's lock after flush.
use crate::config::Config;
use crate::kafka;
use crate::metrics::{self, Gauge};
use crate::pipeline::Pipeline;
use crate::upbit::client::Client;
use crate::upbit::markets;
use serde_json::json;
use std::collections::BTreeMap;

fn runtime_info() -> serde_json::Value {
    json!({
        "name": "rust",
        "version": env!("RUSTC_VERSION"),
        "websocket": format!("yawc {}", env!("YAWC_VERSION")),
        "kafkaBinding": format!("rdkafka {} (BaseProducer, dynamic-linking)", env!("RDKAFKA_VERSION")),
        "heapMeaning": "RssAnon (anonymous resident memory from /proc): Rust has no managed heap; incl. librdkafka's buffers and the preallocated latency rings",
    })
}

pub struct Facts<'a> {
    pub cfg: &'a Config,
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
        "runtime": runtime_info(),
        "librdkafka": {"version": kafka::version()},
        "host": super::host(),
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
mod tests {
    use super::*;
    use crate::contract;
    use crate::pipeline::Phase;
    use crate::upbit::client;
    use std::sync::Arc;
    use std::time::Duration;

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

    /// The report carries the window's four histograms, the very ones its four summaries were
    /// read from: each decodes to its summary's count and p99.
    #[test]
    fn the_report_carries_the_window_histograms() {
        use base64::Engine;
        use hdrhistogram::serialization::Deserializer;
        let cfg = crate::config::parse(&Default::default(), &[], "rust").unwrap();
        let pipeline = Pipeline::new("t", "rust", Box::new(|_| {}));
        {
            let rec = &mut pipeline.lock().rec;
            for seq in 1..=300u64 {
                rec.received += 1;
                rec.frame_in(
                    seq,
                    seq * 1_000,
                    100,
                    if seq % 3 == 0 { 0 } else { 1_700_000_000_000 },
                );
                rec.produced_ok(seq, seq * 1_000 + (seq % 7) * 10_000);
                rec.delivery_report(
                    seq,
                    None,
                    seq * 1_000 + 2_000_000 + (seq % 97) * 300_000,
                    1_700_000_000_005 + seq as i64,
                );
            }
        }
        let settings = BTreeMap::new();
        let rep = build(Facts {
            cfg: &cfg,
            settings: &settings,
            pipeline: &pipeline,
            client: &quiet_client(),
            codes: &["KRW-BTC".to_owned()],
            planned: 0,
            ready_at_ms: 1,
            start_ms: 2,
            opened_wall: 2.0,
            closed_wall: 3.0,
            longest_all_down_ms: 0,
            cpu: (1, 1),
            cpu_wall_ms: 1.0,
            rss: Gauge::default(),
            heap: Gauge::default(),
            bad_start: None,
            signal: None,
        });
        let latency = &rep["latency"];
        for name in ["processing", "kafkaAck", "pipeline", "exchangeToAck"] {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(latency["histograms"][name].as_str().unwrap())
                .unwrap();
            let h: hdrhistogram::Histogram<u64> = Deserializer::new()
                .deserialize(&mut bytes.as_slice())
                .unwrap();
            assert_eq!(h.len(), latency[name]["count"].as_u64().unwrap(), "{name}");
            assert_eq!(
                h.value_at_quantile(0.99) as f64,
                latency[name]["p99Us"].as_f64().unwrap(),
                "{name}"
            );
        }
        assert_eq!(latency["pipeline"]["count"], 300);
        assert_eq!(latency["exchangeToAck"]["count"], 200);
    }
}
