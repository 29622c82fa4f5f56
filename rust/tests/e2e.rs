//! The real binary against a real broker (KAFKA_BOOTSTRAP_SERVERS; skipped without it) and the
//! project's local feed (`bun scripts/feed.ts`), its topic read back. Nothing is mocked.
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Headers;
use rdkafka::{ClientConfig, Message, TopicPartitionList};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn broker() -> Option<String> {
    std::env::var("KAFKA_BOOTSTRAP_SERVERS")
        .ok()
        .filter(|s| !s.is_empty())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

struct Feed {
    child: Child,
    rest: String,
    ws: String,
}

impl Drop for Feed {
    fn drop(&mut self) {
        // SAFETY: signals our own child by its pid
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn start_feed() -> Feed {
    let mut child = Command::new("bun")
        .args([
            "scripts/feed.ts",
            "--port",
            "0",
            "--rate",
            "500",
            "--seed",
            "11",
            "--malformed-every",
            "97",
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("bun scripts/feed.ts (run `bun run setup`)");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split("feed: ").nth(1) {
            let mut urls = rest.split_whitespace();
            let (rest, ws) = (
                urls.next().unwrap().to_owned(),
                urls.next().unwrap().to_owned(),
            );
            // keep draining its stdout so the feed never blocks on a full pipe
            std::thread::spawn(move || for _ in lines {});
            return Feed { child, rest, ws };
        }
    }
    let _ = child.wait();
    panic!("the feed exited before announcing itself");
}

fn binary() -> String {
    std::env::var("RUST_PRODUCER_BIN")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_rust-producer").to_owned())
}

/// Records of a topic, read from the start until `want` arrived or 30 s passed.
/// A record as read back: its value and its headers.
type Record = (Vec<u8>, Vec<(String, Vec<u8>)>);

fn read_topic(bootstrap: &str, topic: &str, want: usize) -> Vec<Record> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("rust-e2e-{}", now_ms()))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let meta = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in meta.topics()[0].partitions() {
        tpl.add_partition_offset(topic, p.id(), rdkafka::Offset::Beginning)
            .unwrap();
    }
    consumer.assign(&tpl).unwrap();
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while out.len() < want && Instant::now() < deadline {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            let headers = m
                .headers()
                .map(|h| {
                    h.iter()
                        .map(|x| (x.key.to_owned(), x.value.unwrap_or(b"").to_vec()))
                        .collect()
                })
                .unwrap_or_default();
            out.push((m.payload().unwrap_or(b"").to_vec(), headers));
        }
    }
    out
}

/// `rust`: rdkafka's FutureProducer as shipped.
#[test]
fn as_shipped_a_short_run_is_complete_its_report_valid_and_its_topic_matches() {
    short_run("future", "rust");
}

/// `rust-tuned`: the BaseProducer with the seq as its delivery opaque.
#[test]
fn tuned_a_short_run_is_complete_its_report_valid_and_its_topic_matches() {
    short_run("base", "rust-tuned");
}

fn short_run(producer: &str, contender: &str) {
    let Some(bootstrap) = broker() else {
        eprintln!("skipped: KAFKA_BOOTSTRAP_SERVERS is not set");
        return;
    };
    let feed = start_feed();
    let dir = std::env::temp_dir().join(format!("{contender}-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let topic = format!("{contender}-e2e-{}", now_ms());
    let mut child = Command::new(binary())
        .args(["--producer", producer])
        .current_dir(root())
        .env_remove("CONTENDER")
        .env("KAFKA_BOOTSTRAP_SERVERS", &bootstrap)
        .env("KAFKA_TOPIC", &topic)
        .env("UPBIT_REST_URL", &feed.rest)
        .env("UPBIT_WS_URL", &feed.ws)
        .env("MARKETS_LIMIT", "30")
        .env("CONNECT_INTERVAL_MS", "0")
        .env("TEST_DURATION", "2")
        .env("WARMUP_SECONDS", "1")
        .env("START_MODE", "stdin")
        .env("REPORT_DIR", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut events = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(json) = line.strip_prefix("@bench ") {
            let event: serde_json::Value = serde_json::from_str(json).unwrap();
            if event["event"] == "ready" {
                writeln!(stdin, "START {}", now_ms() + 1500).unwrap();
            }
            events.push(event);
        }
    }
    let status = child.wait().unwrap();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert!(
        kinds.starts_with(&["ready", "warmup", "start"]),
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&"report"));
    assert_eq!(status.code(), Some(0), "{events:?}");

    // CONTENDER unset: the producer's own name
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join(format!("{contender}_performance_report.json"))).unwrap(),
    )
    .unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["status"], "complete");
    assert_eq!(report["librdkafka"]["version"], "2.15.1");
    let binding = report["runtime"]["kafkaBinding"].as_str().unwrap();
    let class = if producer == "future" {
        "FutureProducer"
    } else {
        "BaseProducer"
    };
    assert!(binding.contains(class), "{binding}");
    let m = &report["messages"];
    let delivered = m["delivered"].as_u64().unwrap();
    assert!(delivered > 0);
    assert_eq!(
        delivered,
        m["received"].as_u64().unwrap() - m["invalid"].as_u64().unwrap()
    );
    let warmup = report["warmup"]["delivered"].as_u64().unwrap();

    let records = read_topic(&bootstrap, &topic, (delivered + warmup) as usize);
    assert_eq!(records.len() as u64, delivered + warmup);
    let mut seqs: Vec<u64> = records
        .iter()
        .map(|(_, h)| {
            let get = |k: &str| {
                h.iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            };
            assert_eq!(get("contender").as_deref(), Some(contender));
            assert!(matches!(
                get("phase").as_deref(),
                Some("warmup") | Some("window")
            ));
            get("seq").unwrap().parse().unwrap()
        })
        .collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=delivered + warmup).collect::<Vec<_>>(),
        "seq 1..N, no gaps, no duplicates"
    );
    for (value, _) in &records {
        assert!(value.starts_with(b"{") && value.ends_with(b"}"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
