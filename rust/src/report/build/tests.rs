//! A built report against the contract's schema, and the window's histograms behind its summaries.
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

/// The report of a run with one market, ready at 1 ms, a window from 2 to 3 s, and nothing else.
fn build_one_second(
    cfg: &Config,
    settings: &BTreeMap<String, String>,
    pipeline: &Pipeline,
    client: &Client,
    rss: Gauge,
) -> serde_json::Value {
    build(Facts {
        cfg,
        kind: crate::kafka::Kind::Future,
        settings,
        pipeline,
        client,
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
    })
}

/// A report built from a run's books (here one that saw nothing) matches report.schema.json,
/// the schema the bench checks every contender's report against.
#[test]
fn a_built_report_matches_the_schema() {
    let cfg = crate::config::parse(&Default::default(), &[], "rust").unwrap();
    let pipeline = Pipeline::new(Box::new(|_| {}));
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
    let rep = build_one_second(&cfg, &settings, &pipeline, &client, rss);
    let schema: serde_json::Value = serde_json::from_str(contract::REPORT_SCHEMA_JSON).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&rep)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(rep["status"], "failed");
    let binding = rep["runtime"]["kafkaBinding"].as_str().unwrap();
    assert!(binding.contains("FutureProducer"), "{binding}");
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
    let pipeline = Pipeline::new(Box::new(|_| {}));
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
    let rep = build_one_second(
        &cfg,
        &settings,
        &pipeline,
        &quiet_client(),
        Gauge::default(),
    );
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
