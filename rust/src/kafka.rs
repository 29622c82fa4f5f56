//! The producer interface the pipeline and the run use (`Sink`), one implementation per tier
//! (`base_sink`: `rust-tuned`, `future_sink`: `rust`), and what both share: the settings file with
//! KAFKA_PROPERTIES on top, the headers, the client context, the statistics.
use crate::config::{bad_value, Config, ConfigError};
use crate::contract::{self, is_secret, REDACTED};
use rdkafka::client::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

mod base_sink;
mod future_sink;

/// A full local queue is retried this long (the contract's timing) before the message counts as
/// failed (QUEUE_FULL).
pub static QUEUE_FULL_GIVE_UP: LazyLock<Duration> = LazyLock::new(|| {
    Duration::from_millis(contract::rule_i64(&["timing", "queueFullGiveUpMs"]) as u64)
});
/// The wait between two tries of a message the full local queue refused.
pub const QUEUE_FULL_RETRY: Duration = Duration::from_millis(1);

/// Which of rdkafka's producers carries the messages: the contender's glue tier. One binary, the
/// registry's command picks one (`--producer`), so set-up builds the crate once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// as shipped: `FutureProducer`, as rdkafka's README and examples show it: per frame
    /// `send(record, timeout)` awaited in a spawned task; its own thread polls the reports
    Future,
    /// tuned: `BaseProducer`, the seq as the delivery opaque, reports polled on our own thread
    Base,
}

impl Kind {
    pub const FLAG: &'static str = "--producer";

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "future" => Some(Kind::Future),
            "base" => Some(Kind::Base),
            _ => None,
        }
    }

    /// CONTENDER when unset: the registry's name of the contender this producer makes.
    pub fn default_contender(self) -> &'static str {
        match self {
            Kind::Future => "rust",
            Kind::Base => "rust-tuned",
        }
    }

    /// The report's `runtime.kafkaBinding`.
    pub fn binding(self) -> String {
        let how = match self {
            Kind::Future => "FutureProducer, send().await per message in a spawned task",
            Kind::Base => "BaseProducer",
        };
        format!(
            "rdkafka {} ({how}, dynamic-linking)",
            env!("RDKAFKA_VERSION")
        )
    }
}

/// Receives what the producer serves: delivery reports (seq, error name or None), tries the full
/// local queue refused, statistics JSON and log lines.
pub trait Handlers: Send + Sync + 'static {
    fn delivered(&self, seq: u64, err: Option<&str>);
    fn queue_full_retry(&self);
    fn stats(&self, json: &[u8]);
    fn log(&self, line: &str);
}

/// One message as the pipeline hands it over: key = market code, value = the frame's bytes, and
/// the values of the `seq` and `phase` headers (`contender` is the sink's own).
pub struct Message<'a> {
    pub key: &'a [u8],
    pub value: &'a [u8],
    pub seq: u64,
    pub phase: &'static [u8],
}

/// What became of a message handed to `Sink::send`.
#[derive(Debug, PartialEq)]
pub enum Sent {
    /// taken: its delivery report will reach `Handlers::delivered`
    Taken,
    /// the local queue is full: nothing was taken, try again
    QueueFull,
    /// refused, never to be delivered: the error's name
    Refused(String),
}

/// The producer as the pipeline and the run see it, whichever of rdkafka's producers is behind.
pub trait Sink: Send + Sync {
    fn send(&self, m: &Message<'_>) -> Sent;
    /// A metadata request answered within the timeout (start-up's broker check).
    fn check_broker(&self, timeout: Duration) -> Result<(), KafkaError>;
    /// Until every message taken has had its delivery report served, or the timeout.
    fn flush(&self, timeout: Duration) -> Pin<Box<dyn Future<Output = ()> + '_>>;
    /// No more polling: the reports still to come are not served (after flush).
    fn stop(&self);
}

/// The producer of the kind asked for, on the settings, topic and contender of the run.
pub fn create(
    kind: Kind,
    c: &Config,
    settings: &BTreeMap<String, String>,
    handlers: Arc<dyn Handlers>,
) -> Result<Arc<dyn Sink>, String> {
    let mut cc = ClientConfig::new();
    for (k, v) in settings {
        cc.set(k, v);
    }
    cc.set("bootstrap.servers", &c.kafka_bootstrap_servers);
    let ctx = Ctx {
        handlers: handlers.clone(),
        last_error: Default::default(),
    };
    let refused = |e: KafkaError| format!("librdkafka refused the producer settings: {e}");
    let (topic, contender) = (&c.kafka_topic, &c.contender);
    Ok(match kind {
        Kind::Base => {
            Arc::new(base_sink::BaseSink::new(&cc, ctx, topic, contender).map_err(refused)?)
        }
        Kind::Future => Arc::new(
            future_sink::FutureSink::new(&cc, ctx, topic, contender, handlers).map_err(refused)?,
        ),
    })
}

/// The three headers every contender sends.
pub fn headers(seq: u64, contender: &[u8], phase: &[u8]) -> OwnedHeaders {
    let mut digits = [0u8; 20];
    OwnedHeaders::new_with_capacity(3)
        .insert(Header {
            key: "seq",
            value: Some(format_u64(seq, &mut digits)),
        })
        .insert(Header {
            key: "contender",
            value: Some(contender),
        })
        .insert(Header {
            key: "phase",
            value: Some(phase),
        })
}

fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// An error as the report names it: librdkafka's code (QUEUE_FULL as the contract spells it), else
/// `fallback`.
pub fn error_name(e: &KafkaError, fallback: &str) -> String {
    match e.rdkafka_error_code() {
        Some(RDKafkaErrorCode::QueueFull) => "QUEUE_FULL".to_owned(),
        Some(code) => format!("{code:?}"),
        None => fallback.to_owned(),
    }
}

/// The client context both producers carry: statistics and errors to the handlers.
pub struct Ctx {
    pub handlers: Arc<dyn Handlers>,
    /// rdkafka hands a producer's error event to `error` twice (its client poll and the
    /// producer's): the same text twice in a row is shown once
    last_error: std::sync::Mutex<String>,
}

impl ClientContext for Ctx {
    fn stats_raw(&self, statistics: &[u8]) {
        self.handlers.stats(statistics);
    }
    /// librdkafka's own log lines repeat what its error events say: only the errors are shown
    fn log(&self, _level: rdkafka::config::RDKafkaLogLevel, _fac: &str, _msg: &str) {}
    fn error(&self, error: KafkaError, reason: &str) {
        let line = format!("kafka: {error}: {reason}");
        let mut last = self.last_error.lock().unwrap_or_else(|e| e.into_inner());
        if *last != line {
            self.handlers.log(&line);
            *last = line;
        }
    }
}

fn settings_error(path: &str, reason: &str) -> ConfigError {
    bad_value("PRODUCER_SETTINGS", path, reason)
}

/// The settings file: at most 1 MiB, one JSON object of strings (`$` keys are comments), nothing
/// after it, no consumer-only property.
pub fn read_settings_file(path: &str) -> Result<BTreeMap<String, String>, ConfigError> {
    let max = contract::rule_i64(&["settingsFile", "maxBytes"]) as u64;
    let file = std::fs::File::open(path)
        .map_err(|e| settings_error(path, &format!("cannot be read ({e})")))?;
    let mut data = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut data)
        .map_err(|e| settings_error(path, &format!("cannot be read ({e})")))?;
    if data.len() as u64 > max {
        return Err(settings_error(path, &format!("is larger than {max} bytes")));
    }
    let value: Value = serde_json::from_slice(&data).map_err(|e| {
        settings_error(path, &format!("must hold one JSON object of strings ({e})"))
    })?;
    let Value::Object(map) = value else {
        return Err(settings_error(path, "must hold one JSON object of strings"));
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let Value::String(s) = v else {
            return Err(settings_error(
                path,
                &format!("{} must be a string, not {v}", contract::quote(&k)),
            ));
        };
        if !k.starts_with(contract::rule_str(&["settingsFile", "commentPrefix"])) {
            out.insert(k, s);
        }
    }
    if let Some(k) = out.keys().find(|k| contract::consumer_only(k)) {
        return Err(settings_error(
            path,
            &format!("{k} is a consumer property: a producer ignores it"),
        ));
    }
    Ok(out)
}

/// The settings librdkafka gets: the file, KAFKA_PROPERTIES on top, without bootstrap.servers
/// (set from KAFKA_BOOTSTRAP_SERVERS).
pub fn effective_settings(c: &Config, file: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = file;
    for (k, v) in &c.kafka_properties {
        out.insert(k.clone(), v.clone());
    }
    out.remove("bootstrap.servers");
    out
}

/// The report's `producerSettings`: every key, secrets' values redacted.
pub fn redacted_settings(settings: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    settings
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if is_secret(k) {
                    REDACTED.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

pub fn version() -> String {
    rdkafka::util::get_rdkafka_version().1
}

/// Averages of librdkafka's statistics over the window (as go/internal/kafka/stats.go).
#[derive(Default)]
pub struct Stats {
    sums: [(f64, u32); 8],
    first_tx: BTreeMap<String, f64>,
    last_tx: BTreeMap<String, f64>,
    parsed: u64,
}

impl Stats {
    fn add_mean(&mut self, i: usize, v: &Value) {
        if let Some(x) = v.as_f64() {
            if x.is_finite() {
                self.sums[i].0 += x;
                self.sums[i].1 += 1;
            }
        }
    }

    pub fn add(&mut self, raw: &[u8]) {
        let Ok(s) = serde_json::from_slice::<Value>(raw) else {
            return;
        };
        self.parsed += 1;
        if let Some(brokers) = s["brokers"].as_object() {
            for (name, b) in brokers {
                if b["nodeid"].as_i64().is_none_or(|n| n < 0) {
                    continue;
                }
                for (w, i) in [("int_latency", 0), ("outbuf_latency", 2), ("rtt", 4)] {
                    let win = &b[w];
                    if win["cnt"].as_f64().unwrap_or(0.0) == 0.0 {
                        continue;
                    }
                    self.add_mean(i, &win["p50"]);
                    self.add_mean(i + 1, &win["p99"]);
                }
                if let Some(tx) = b["tx"].as_f64() {
                    self.first_tx.entry(name.clone()).or_insert(tx);
                    self.last_tx.insert(name.clone(), tx);
                }
            }
        }
        if let Some(topics) = s["topics"].as_object() {
            for t in topics.values() {
                if t["batchsize"]["cnt"].as_f64().unwrap_or(0.0) != 0.0 {
                    self.add_mean(6, &t["batchsize"]["avg"]);
                }
                if t["batchcnt"]["cnt"].as_f64().unwrap_or(0.0) != 0.0 {
                    self.add_mean(7, &t["batchcnt"]["avg"]);
                }
            }
        }
    }

    pub fn summary(&self) -> Value {
        let m = |i: usize| {
            let (sum, n) = self.sums[i];
            if n == 0 {
                0.0
            } else {
                sum / n as f64
            }
        };
        let requests: i64 = self
            .last_tx
            .iter()
            .map(|(k, last)| (last - self.first_tx.get(k).copied().unwrap_or(0.0)).max(0.0) as i64)
            .sum();
        serde_json::json!({
            "samples": self.parsed,
            "intLatencyP50Us": m(0), "intLatencyP99Us": m(1),
            "outbufLatencyP50Us": m(2), "outbufLatencyP99Us": m(3),
            "rttP50Us": m(4), "rttP99Us": m(5),
            "batchSizeAvgBytes": m(6), "batchCountAvg": m(7),
            "requests": requests,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_file_rules() {
        let dir = std::env::temp_dir().join(format!("rust-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("s.json");
        let path = p.to_str().unwrap();
        std::fs::write(&p, r#"{"$c":"x","linger.ms":"5"}"#).unwrap();
        assert_eq!(read_settings_file(path).unwrap().len(), 1);
        std::fs::write(&p, r#"{"linger.ms":5}"#).unwrap();
        assert!(read_settings_file(path)
            .unwrap_err()
            .0
            .contains("must be a string"));
        std::fs::write(&p, r#"{"a":"b"} {}"#).unwrap();
        assert!(read_settings_file(path).is_err());
        std::fs::write(&p, r#"{"group.id":"b"}"#).unwrap();
        assert!(read_settings_file(path)
            .unwrap_err()
            .0
            .contains("consumer property"));
        std::fs::write(&p, "null").unwrap();
        assert!(read_settings_file(path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn seq_digits() {
        let mut b = [0u8; 20];
        assert_eq!(format_u64(0, &mut b), b"0");
        assert_eq!(format_u64(1234567890123, &mut b), b"1234567890123");
        assert_eq!(
            format_u64(u64::MAX, &mut b),
            u64::MAX.to_string().as_bytes()
        );
    }

    #[test]
    fn stats_average_windows() {
        let mut s = Stats::default();
        s.add(br#"{"brokers":{"b1":{"nodeid":1,"tx":10,"rtt":{"cnt":1,"p50":100,"p99":200}}},"topics":{"t":{"batchsize":{"cnt":1,"avg":50}}}}"#);
        s.add(br#"{"brokers":{"b1":{"nodeid":1,"tx":15,"rtt":{"cnt":1,"p50":300,"p99":400}}}}"#);
        let v = s.summary();
        assert_eq!(v["rttP50Us"], 200.0);
        assert_eq!(v["requests"], 5);
        assert_eq!(v["batchSizeAvgBytes"], 50.0);
    }
}
